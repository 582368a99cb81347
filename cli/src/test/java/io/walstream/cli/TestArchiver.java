package io.walstream.cli;

import io.walstream.archiver.config.ArchiverConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Settings of an in-process archiver for tests: its own topics under a prefix, fast commits. */
final class TestArchiver {
  private TestArchiver() {}

  /**
   * An archiver of {@code topic} on {@code bootstrapServers} into {@code archive}, its names
   * prefixed by {@code prefix}.
   */
  static Map<String, Object> settings(
      String bootstrapServers, Path archive, String prefix, String topic) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ArchiverConfig.ARCHIVE_URI, archive.toUri().toString());
    settings.put("bootstrap.servers", bootstrapServers);
    settings.put("application.id", prefix + "-app");
    settings.put(ArchiverConfig.INPUT_TOPICS, topic);
    settings.put(ArchiverConfig.MANIFESTS_TOPIC, prefix + ".manifests");
    settings.put(ArchiverConfig.DLQ_TOPIC, prefix + ".dlq");
    settings.put(ArchiverConfig.METRICS_PORT, 0);
    settings.put("commit.interval.ms", 200);
    return settings;
  }
}
