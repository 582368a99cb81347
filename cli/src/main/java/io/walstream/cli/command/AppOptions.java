package io.walstream.cli.command;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The settings of a long-running app ({@code archive}, {@code restorer}): file, then flags. */
final class AppOptions {
  @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers, HOST:PORT[,...].")
  String bootstrapServers;

  @Option(
      names = "--archive",
      description = "Archive URI: file:///path or s3://bucket/prefix?... .")
  String archive;

  @Option(names = "--config", description = "Properties file with walstream and Kafka settings.")
  Path config;

  @Option(
      names = "--set",
      description = "Any setting as KEY=VALUE (repeatable); overrides --config.")
  Map<String, String> overrides;

  /** The settings: --config, then --set, then --bootstrap-servers and --archive (as archiveKey). */
  Settings settings(String archiveKey) {
    return Settings.from(config)
        .putAll(overrides)
        .put("bootstrap.servers", bootstrapServers)
        .put(archiveKey, archive);
  }
}
