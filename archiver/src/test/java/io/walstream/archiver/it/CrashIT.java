package io.walstream.archiver.it;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.StreamReport;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.testing.ArchiveContents;
import io.walstream.archiver.testing.ArchiverProcess;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.testing.ChildJvm;
import io.walstream.schemas.testing.KafkaBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a forked archiver process at injected points of the commit protocol (after a segment put,
 * after a manifest claim but before the offset commit) and at a random moment mid-buffer, restarts
 * it, and proves that no record is lost, none is archived twice, and every chain is intact.
 */
class CrashIT {
  @TempDir Path dir;
  private String prefix;
  private String topic;
  private Path archive;
  private final Map<StreamId, List<ChangeRecord>> expected = new LinkedHashMap<>();
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    prefix = "crash" + UUID.randomUUID().toString().substring(0, 6);
    topic = prefix + ".changes";
    archive = dir.resolve("archive");
    Files.createDirectories(archive);
    KafkaBroker.createTopics(2, topic);
  }

  @AfterEach
  void killAll() throws InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void publish(int transactions) {
    try (KafkaProducer<byte[], byte[]> producer = ArchiverIT.producer()) {
      int base = expected.values().stream().mapToInt(List::size).sum();
      for (int t = 0; t < transactions; t++) {
        String database = "db" + (t % 3);
        int partition = t % 3 == 2 ? 1 : 0;
        int size = 1 + t % 3;
        long lsn = 10_000 + base + t;
        for (int i = 0; i < size; i++) {
          ChangeRecord record =
              insert(database, "orders", (base + t) * 10L + i, lsn, i, i == size - 1);
          producer.send(
              new ProducerRecord<>(topic, partition, ArchiverIT.key(database), bytes(record)));
          expected
              .computeIfAbsent(new StreamId(database, topic, partition), k -> new ArrayList<>())
              .add(record);
        }
      }
    }
  }

  private long expectedTotal() {
    return expected.values().stream().mapToLong(List::size).sum();
  }

  private Process fork(String... crash) throws IOException {
    Path config = dir.resolve("archiver.properties");
    Properties properties = new Properties();
    ArchiverIT.settings(archive.toUri().toString(), prefix)
        .forEach((k, v) -> properties.put(k, String.valueOf(v)));
    properties.put(ArchiverConfig.SEGMENT_MAX_RECORDS, "25");
    properties.put("state.dir", dir.resolve("state").toString());
    properties.put("group.instance.id", prefix + "-instance");
    properties.put("session.timeout.ms", "6000");
    try (OutputStream out = Files.newOutputStream(config)) {
      properties.store(out, null);
    }
    List<String> arguments = new ArrayList<>(List.of(config.toString()));
    arguments.addAll(List.of(crash));
    List<String> command = ChildJvm.main(List.of("-Xmx256m"), ArchiverProcess.class, arguments);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("archiver-" + processes.size() + ".log").toFile())
            .start();
    processes.add(process);
    return process;
  }

  private void assertArchiveIsExactlyThePublishedRecords() {
    try (ObjectStore store = ObjectStores.open(archive.toUri().toString())) {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> ArchiveContents.count(store) >= expectedTotal());
      assertThat(new ArchiveReader(store).allStreams())
          .containsExactlyInAnyOrderElementsOf(expected.keySet());
      for (var entry : expected.entrySet()) {
        assertThat(ArchiveContents.records(store, entry.getKey()))
            .as("records of %s", entry.getKey())
            .containsExactlyElementsOf(entry.getValue());
        StreamReport report = new ChainVerifier(store).verify(entry.getKey());
        assertThat(report.clean())
            .as("chain of %s: %s", entry.getKey(), report.findings())
            .isTrue();
      }
      assertThat(ArchiveContents.count(store)).isEqualTo(expectedTotal());
    }
  }

  private void crashThenRecover(String point, int nth) throws Exception {
    publish(150);
    Process crashing = fork(point, Integer.toString(nth));

    assertThat(crashing.waitFor(120, TimeUnit.SECONDS)).as("the archiver crashed in time").isTrue();
    assertThat(crashing.exitValue()).isEqualTo(ArchiverProcess.CRASH_EXIT_CODE);
    publish(50);
    fork();

    assertArchiveIsExactlyThePublishedRecords();
  }

  @Test
  void shouldLoseAndDuplicateNothingWhenKilledAfterASegmentPut() throws Exception {
    crashThenRecover("crash-after-segment-put", 4);
  }

  @Test
  void shouldLoseAndDuplicateNothingWhenKilledAfterAManifestClaimBeforeTheOffsetCommit()
      throws Exception {
    crashThenRecover("crash-after-manifest-claim", 4);
  }

  @Test
  void shouldLoseAndDuplicateNothingWhenKilledMidBuffer() throws Exception {
    publish(100);
    Process first = fork();
    try (ObjectStore store = ObjectStores.open(archive.toUri().toString())) {
      await().atMost(Duration.ofSeconds(90)).until(() -> ArchiveContents.count(store) > 0);
    }
    publish(100);
    first.destroyForcibly();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    publish(20);
    fork();

    assertArchiveIsExactlyThePublishedRecords();
  }
}
