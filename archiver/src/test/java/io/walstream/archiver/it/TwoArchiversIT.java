package io.walstream.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.StreamReport;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.testing.ArchiveContents;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two deployments (different application ids) archive the same input into the same archive at the
 * same time: put-if-absent claims make them produce one linear chain per stream, with every record
 * exactly once.
 */
class TwoArchiversIT {
  @TempDir Path dir;

  @Test
  void shouldProduceOneCorrectLinearChainWhenTwoDeploymentsRace() {
    String prefix = "two" + UUID.randomUUID().toString().substring(0, 6);
    String topic = prefix + ".changes";
    KafkaBroker.createTopics(3, topic);
    ArchiverIT.Workload workload = ArchiverIT.publish(topic, 4, 200, 1_000_000);
    long total = workload.expected().values().stream().mapToLong(List::size).sum();
    Map<String, Object> first = ArchiverIT.settings(dir.toUri().toString(), prefix);
    first.put(ArchiverConfig.SEGMENT_MAX_RECORDS, 15);
    first.put(ArchiverConfig.WRITER_ID, "deployment-a");
    Map<String, Object> second = new java.util.HashMap<>(first);
    second.put("application.id", prefix + "-other-app");
    second.put(ArchiverConfig.MANIFESTS_TOPIC, prefix + ".other.manifests");
    second.put(ArchiverConfig.DLQ_TOPIC, prefix + ".other.dlq");
    second.put(ArchiverConfig.WRITER_ID, "deployment-b");

    try (ArchiverApp a = ArchiverApp.start(ArchiverConfig.parse(first));
        ArchiverApp b = ArchiverApp.start(ArchiverConfig.parse(second));
        ObjectStore store = ObjectStores.open(dir.toUri().toString())) {
      await().atMost(Duration.ofSeconds(120)).until(() -> ArchiveContents.count(store) >= total);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  a.metrics().count("walstream.archiver.records.in") >= total
                      && b.metrics().count("walstream.archiver.records.in") >= total);

      for (var entry : workload.expected().entrySet()) {
        assertThat(ArchiveContents.records(store, entry.getKey()))
            .as("records of %s", entry.getKey())
            .containsExactlyElementsOf(entry.getValue());
        StreamReport report = new ChainVerifier(store).verify(entry.getKey());
        assertThat(report.clean()).as("%s", report.findings()).isTrue();
      }
      assertThat(ArchiveContents.count(store)).isEqualTo(total);
      assertThat(new ArchiveReader(store).allStreams()).hasSize(workload.expected().size());
      double archivedByBoth =
          a.metrics().count("walstream.archiver.records.archived")
              + b.metrics().count("walstream.archiver.records.archived");
      assertThat(archivedByBoth).isEqualTo(total);
    }
  }
}
