package io.walstream.archiver.it;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.verify.StreamReport;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.testing.ArchiveContents;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety net of DESIGN invariant 3, forced: the consumer group's committed offset is moved
 * ahead of the archive while the archiver is stopped. On start the archiver must read the skipped
 * range back from the topic and archive it; a range retention already removed must stop it with the
 * exact offsets, or, with gap.policy=mark, become an explicit gap.
 */
class ReconciliationIT {
  @TempDir Path dir;
  private String prefix;
  private String topic;
  private TopicPartition tp;
  private StreamId stream;
  private final List<ChangeRecord> published = new ArrayList<>();

  @BeforeEach
  void createTopic() {
    prefix = "rec" + UUID.randomUUID().toString().substring(0, 6);
    topic = prefix + ".changes";
    tp = new TopicPartition(topic, 0);
    stream = new StreamId("shop", topic, 0);
    KafkaBroker.createTopics(1, topic);
  }

  private void publish(int count) {
    try (KafkaProducer<byte[], byte[]> producer = ArchiverIT.producer()) {
      for (int i = 0; i < count; i++) {
        int n = published.size();
        ChangeRecord record = insert("shop", "orders", n, 1 + n, 0, true);
        producer.send(new ProducerRecord<>(topic, 0, ArchiverIT.key("shop"), bytes(record)));
        published.add(record);
      }
    }
  }

  private void moveGroupOffset(long offset) throws Exception {
    try (Admin admin = KafkaBroker.admin()) {
      admin
          .alterConsumerGroupOffsets(prefix + "-app", Map.of(tp, new OffsetAndMetadata(offset)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private Map<String, Object> settings() {
    return ArchiverIT.settings(dir.toUri().toString(), prefix);
  }

  private void archiveUntil(Map<String, Object> settings, int records) {
    try (ArchiverApp app = ArchiverApp.start(ArchiverConfig.parse(settings));
        ObjectStore store = ObjectStores.open(dir.toUri().toString())) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> ArchiveContents.records(store, stream).size() >= records);
    }
  }

  @Test
  void shouldReadBackAndArchiveTheRangeAnOffsetCommitSkipped() throws Exception {
    publish(100);
    moveGroupOffset(60);

    archiveUntil(settings(), 100);

    try (ObjectStore store = ObjectStores.open(dir.toUri().toString())) {
      assertThat(ArchiveContents.records(store, stream)).containsExactlyElementsOf(published);
      assertThat(new ChainVerifier(store).verify(stream).findings()).isEmpty();
    }
  }

  @Test
  void shouldStopNamingTheOffsetsWhenRetentionRemovedWhatWasNeverArchived() throws Exception {
    publish(10);
    archiveUntil(settings(), 10);
    publish(50);
    deleteRecordsBefore(40);
    moveGroupOffset(50);

    try (ArchiverApp app = ArchiverApp.start(ArchiverConfig.parse(settings()))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.ERROR);

      // The walstream error itself, not Kafka Streams' wrapper of it: its message and kind reach
      // the CLI.
      assertThat(app.failure()).isInstanceOf(IntegrityException.class);
      assertThat(rootMessage(app.failure()))
          .contains("offsets 10 to 39 were removed from the topic before they were archived")
          .contains("gap.policy=mark");
    }
    try (ObjectStore store = ObjectStores.open(dir.toUri().toString())) {
      assertThat(ArchiveContents.records(store, stream))
          .containsExactlyElementsOf(published.subList(0, 10));
    }
  }

  @Test
  void shouldRecordAnExplicitGapWhenConfiguredToContinue() throws Exception {
    publish(10);
    archiveUntil(settings(), 10);
    publish(50);
    deleteRecordsBefore(40);
    moveGroupOffset(50);
    Map<String, Object> settings = settings();
    settings.put(ArchiverConfig.GAP_POLICY, "mark");

    archiveUntil(settings, 30);

    try (ObjectStore store = ObjectStores.open(dir.toUri().toString())) {
      List<ChangeRecord> expected = new ArrayList<>(published.subList(0, 10));
      expected.addAll(published.subList(40, 60));
      assertThat(ArchiveContents.records(store, stream)).containsExactlyElementsOf(expected);
      StreamReport report = new ChainVerifier(store).verify(stream);
      assertThat(report.clean()).isTrue();
      assertThat(report.findings())
          .filteredOn(f -> f.kind() == Finding.Kind.GAP)
          .singleElement()
          .satisfies(f -> assertThat(f.detail()).contains("source offsets 10 to 39"));
    }
  }

  private void deleteRecordsBefore(long offset) throws Exception {
    try (Admin admin = KafkaBroker.admin()) {
      admin
          .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
