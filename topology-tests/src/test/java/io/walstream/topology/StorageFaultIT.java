package io.walstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.retry.RetryPolicy;
import io.walstream.archive.store.ForwardingObjectStore.Call;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archive.store.RetryingObjectStore;
import io.walstream.archive.testing.FaultyObjectStore;
import io.walstream.archive.testing.FaultyObjectStore.Fault;
import io.walstream.archive.testing.S3ProxyFixture;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.restorer.verify.VerifiedArchive;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage faults under the archiver and under restores: transient faults (timeouts, 5xx, slow
 * calls, writes whose outcome is unknown) must be ridden out with nothing lost; a permanent one
 * must stop the archiver loudly with no offset committed past what the archive holds.
 */
class StorageFaultIT {
  private static final Set<Fault> TRANSIENT_FAULTS =
      Set.of(Fault.TRANSIENT, Fault.SLOW, Fault.OUTCOME_UNKNOWN_LANDED, Fault.OUTCOME_UNKNOWN_LOST);

  @TempDir Path dir;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String topic = "faults-" + suffix;
  private final String dlq = "faults-dlq-" + suffix;

  private Map<String, Object> settings(String archiveUri) {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    m.put("application.id", "faults-" + suffix);
    m.put(ArchiverConfig.ARCHIVE_URI, archiveUri);
    m.put(ArchiverConfig.INPUT_TOPICS, topic);
    m.put(ArchiverConfig.DLQ_TOPIC, dlq);
    m.put(ArchiverConfig.MANIFESTS_TOPIC, "faults-manifests-" + suffix);
    m.put(ArchiverConfig.SEGMENT_MAX_RECORDS, "100");
    m.put(ArchiverConfig.SEGMENT_MAX_AGE_MS, "300");
    m.put(ArchiverConfig.METRICS_PORT, "-1");
    m.put(ArchiverConfig.RETRY_INITIAL_BACKOFF_MS, "5");
    m.put(ArchiverConfig.RETRY_MAX_BACKOFF_MS, "50");
    m.put("commit.interval.ms", "300");
    m.put("session.timeout.ms", "6000");
    m.put("state.dir", dir.resolve("state").toString());
    return m;
  }

  private long rideOut(String archiveUri, String label) throws Exception {
    KafkaBroker.createTopics(3, topic);
    Ledger ledger = new Ledger();
    AtomicReference<FaultyObjectStore> faulty = new AtomicReference<>();
    ArchiverApp app =
        ArchiverApp.start(
            ArchiverConfig.parse(settings(archiveUri)),
            store -> {
              FaultyObjectStore f =
                  new FaultyObjectStore(store)
                      .slowDelay(Duration.ofMillis(20))
                      .failRandomly(
                          5,
                          0.1,
                          TRANSIENT_FAULTS,
                          Set.of(Call.PUT, Call.READ, Call.STAT, Call.LIST));
              faulty.set(f);
              return f;
            });
    try (Publisher publisher =
        new Publisher(
            KafkaBroker.bootstrapServers(), topic, new TortureWorkload(3, 4, 0.02), ledger, 1)) {
      publisher.publish(Report.soak(1500));
    }
    try (ObjectStore store = ObjectStores.open(archiveUri)) {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> ledger.balance(store, DeadLetters.read(dlq)).balanced());
      Ledger.Balance balance = ledger.balance(store, DeadLetters.read(dlq));
      assertThat(app.failure()).isNull();
      assertThat(new ChainVerifier(store).verifyAll().errors()).isEmpty();
      long injected = faulty.get().injectedTotal();
      Report.row(
          "storage faults under the archiver (" + label + ")",
          1,
          injected + " faults " + faulty.get().injected(),
          balance.published(),
          balance.lost(),
          balance.duplicated(),
          "-");
      assertThat(injected).isGreaterThan(20);
      assertThat(balance.balanced()).as(balance.toString()).isTrue();
      return injected;
    } finally {
      app.close(Duration.ofSeconds(30));
    }
  }

  @Test
  void shouldRideOutTransientFaultsWithNothingLostWhenArchivingToAFilesystem() throws Exception {
    rideOut(dir.resolve("archive").toUri().toString(), "filesystem");
  }

  @Test
  void shouldRideOutTransientFaultsWithNothingLostWhenArchivingToS3() throws Exception {
    rideOut(S3ProxyFixture.newArchiveUri("faults"), "S3 via s3proxy");
  }

  @Test
  void shouldStopLoudlyWithNoOffsetPastTheArchiveWhenAPutFailsPermanently() throws Exception {
    KafkaBroker.createTopics(3, topic);
    String archiveUri = dir.resolve("archive").toUri().toString();
    Ledger ledger = new Ledger();
    ArchiverApp failing =
        ArchiverApp.start(
            ArchiverConfig.parse(settings(archiveUri)),
            store -> new FaultyObjectStore(store).failOn(Call.PUT, 12, Fault.PERMANENT));
    try (Publisher publisher =
        new Publisher(
            KafkaBroker.bootstrapServers(), topic, new TortureWorkload(4, 3, 0.0), ledger, 1)) {
      publisher.publish(600);
    }
    await().atMost(Duration.ofMinutes(1)).until(() -> failing.failure() != null);
    failing.close(Duration.ofSeconds(30));

    try (ObjectStore store = ObjectStores.open(archiveUri)) {
      assertNoOffsetPastTheArchive(store);
    }
    ArchiverApp healthy = ArchiverApp.start(ArchiverConfig.parse(settings(archiveUri)));
    try (ObjectStore store = ObjectStores.open(archiveUri)) {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> ledger.balance(store, DeadLetters.read(dlq)).balanced());
      Ledger.Balance balance = ledger.balance(store, DeadLetters.read(dlq));
      Report.row(
          "permanent put failure, then restart",
          1,
          "1 permanent fault (task stopped: " + failing.failure().getClass().getSimpleName() + ")",
          balance.published(),
          balance.lost(),
          balance.duplicated(),
          "-");
      assertThat(balance.balanced()).as(balance.toString()).isTrue();
    } finally {
      healthy.close(Duration.ofSeconds(30));
    }
  }

  /** The group's committed offset of each partition is at most one past what the archive holds. */
  private void assertNoOffsetPastTheArchive(ObjectStore store) throws Exception {
    Map<Integer, Long> handled = new HashMap<>();
    ArchiveReader reader = new ArchiveReader(store);
    VerifiedArchive archive = new VerifiedArchive(reader);
    for (StreamId stream : reader.allStreams()) {
      for (StoredManifest m : archive.chain(stream).manifests()) {
        Manifest manifest = m.manifest();
        handled.merge(stream.partition(), manifest.offsets().handledThrough(), Math::max);
      }
    }
    try (Admin admin = KafkaBroker.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets("faults-" + suffix).partitionsToOffsetAndMetadata().get();
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
        if (e.getKey().topic().equals(topic) && e.getValue() != null) {
          assertThat(e.getValue().offset())
              .as("committed offset of %s", e.getKey())
              .isLessThanOrEqualTo(handled.getOrDefault(e.getKey().partition(), -1L) + 1);
        }
      }
    }
  }

  @Test
  void shouldRestoreWhatTheModelSaysWhenReadsFailTransiently() throws Exception {
    KafkaBroker.createTopics(3, topic);
    String archiveUri = dir.resolve("archive").toUri().toString();
    Ledger ledger = new Ledger();
    ArchiverApp app = ArchiverApp.start(ArchiverConfig.parse(settings(archiveUri)));
    try (Publisher publisher =
        new Publisher(
            KafkaBroker.bootstrapServers(), topic, new TortureWorkload(6, 2, 0.0), ledger, 1)) {
      publisher.publish(800);
    }
    try (ObjectStore store = ObjectStores.open(archiveUri)) {
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> ledger.balance(store, DeadLetters.read(dlq)).balanced());
    } finally {
      app.close(Duration.ofSeconds(30));
    }
    FaultyObjectStore faulty =
        new FaultyObjectStore(ObjectStores.openRaw(java.net.URI.create(archiveUri)))
            .slowDelay(Duration.ofMillis(5))
            .failRandomly(
                9,
                0.15,
                Set.of(Fault.TRANSIENT, Fault.SLOW),
                Set.of(Call.READ, Call.STAT, Call.LIST));
    try (ObjectStore store =
        new RetryingObjectStore(
            faulty,
            new RetryPolicy(
                10, Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofSeconds(30)))) {
      int mismatches = Oracle.mismatches(store, ledger.validRecords(), dir, 3, 5);
      Report.row(
          "storage faults under restores",
          8,
          faulty.injectedTotal() + " faults " + faulty.injected(),
          ledger.validCount(),
          mismatches,
          0,
          "-");
      assertThat(mismatches).isZero();
      assertThat(faulty.injectedTotal()).isGreaterThan(10);
    }
  }
}
