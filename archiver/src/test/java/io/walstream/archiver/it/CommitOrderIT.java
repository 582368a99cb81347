package io.walstream.archiver.it;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.testing.ArchiveContents;
import io.walstream.archiver.testing.ObservingObjectStore;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the mechanism the archiver's exactly-once rests on: in Kafka Streams with exactly_once_v2,
 * {@code Producer#sendOffsetsToTransaction} runs before the offsets are committed, so the archive
 * holds every record below a committed offset at the moment that offset becomes visible. Archive
 * writes are slowed down so that a Kafka upgrade that committed offsets first (or stopped calling
 * the hook) would be caught: the committed offset would run ahead of the archive.
 */
class CommitOrderIT {
  @TempDir Path dir;

  @Test
  void shouldNeverLetACommittedOffsetRunAheadOfTheArchive() throws Exception {
    // Only commits may cut: no size or age trigger can fire in this run.
    ArchiverApp app =
        run(
            settings -> {
              settings.put(ArchiverConfig.SEGMENT_MAX_RECORDS, 1_000_000);
              settings.put(ArchiverConfig.SEGMENT_MAX_AGE_MS, 3_600_000L);
            });
    assertThat(cuts(app, "commit")).isGreaterThan(3);
    assertThat(cuts(app, "size")).isZero();
  }

  @Test
  void shouldNeverLetACommittedOffsetRunAheadOfTheArchiveWhileCutsAreInFlight() throws Exception {
    // Size cuts every few records, committed in the background and slowed down: commits keep
    // arriving while one is in flight, and must wait for it.
    ArchiverApp app =
        run(
            settings -> {
              settings.put(ArchiverConfig.SEGMENT_MAX_RECORDS, 7);
              settings.put(ArchiverConfig.SEGMENT_MAX_AGE_MS, 3_600_000L);
            });
    assertThat(cuts(app, "size")).isGreaterThan(10);
    assertThat(cuts(app, "commit")).isGreaterThan(3);
  }

  private static long cuts(ArchiverApp app, String trigger) {
    Timer timer =
        app.metrics()
            .registry()
            .find("walstream.archiver.cut.latency")
            .tag("trigger", trigger)
            .timer();
    return timer == null ? 0 : timer.count();
  }

  /**
   * Runs an archiver with slowed archive commits under a steady producer, observing the committed
   * offset and the archive many times, and checks that the archive never held fewer records than
   * the committed offset; returns the (closed) app for its metrics.
   */
  private ArchiverApp run(java.util.function.Consumer<Map<String, Object>> configure)
      throws Exception {
    String prefix = "order" + UUID.randomUUID().toString().substring(0, 6);
    String topic = prefix + ".changes";
    KafkaBroker.createTopics(1, topic);
    TopicPartition tp = new TopicPartition(topic, 0);
    StreamId stream = new StreamId("shop", topic, 0);
    Map<String, Object> settings = ArchiverIT.settings(dir.toUri().toString(), prefix);
    configure.accept(settings);
    settings.put("commit.interval.ms", 250);
    int total = 300;

    try (ArchiverApp app =
            ArchiverApp.start(
                ArchiverConfig.parse(settings),
                store ->
                    new ObservingObjectStore(
                        store,
                        (key, outcome) -> {
                          // Between the segment put and the manifest claim: the records are not
                          // in the archive yet while this sleeps, so an offset committed too early
                          // is seen ahead of the archive.
                          if (key.endsWith(ArchiveLayout.SEGMENT_SUFFIX)) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150));
                          }
                        }));
        ObjectStore store = ObjectStores.open(dir.toUri().toString());
        Admin admin = KafkaBroker.admin();
        KafkaProducer<byte[], byte[]> producer = ArchiverIT.producer()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);
      List<long[]> observations = new ArrayList<>();
      int[] sent = {0};
      // Produce at a steady pace, so that many commits happen while records keep arriving.
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (sent[0] < total) {
                  for (int i = 0; i < 10; i++, sent[0]++) {
                    producer.send(
                        new ProducerRecord<>(
                            topic,
                            0,
                            ArchiverIT.key("shop"),
                            bytes(insert("shop", "orders", sent[0], 1 + sent[0], 0, true))));
                  }
                  producer.flush();
                }
                OffsetAndMetadata committed =
                    admin
                        .listConsumerGroupOffsets(prefix + "-app")
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(tp);
                long offset = committed == null ? 0 : committed.offset();
                long archived = ArchiveContents.records(store, stream).size();
                observations.add(new long[] {offset, archived});
                return offset >= total;
              });

      assertThat(observations)
          .allSatisfy(
              o ->
                  assertThat(o[1])
                      .as("records archived when offset %d was committed", o[0])
                      .isGreaterThanOrEqualTo(o[0]));
      assertThat(observations.stream().mapToLong(o -> o[0]).distinct().count())
          .as("distinct committed offsets observed")
          .isGreaterThan(3);
      assertThat(ArchiveContents.records(store, stream)).hasSize(total);
      return app;
    }
  }
}
