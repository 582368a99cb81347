package io.walstream.archiver.it;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.format.SegmentFormat;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archive.testing.S3ProxyFixture;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.StreamReport;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.testing.ArchiveContents;
import io.walstream.archiver.topology.DeadLetters;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver against a real broker and real stores: several databases over three partitions,
 * multi-record transactions, invalid records; the archive must hold exactly the valid records in
 * order, the chains must verify, and the dead-letter topic must hold exactly the invalid ones.
 */
class ArchiverIT {
  @TempDir Path dir;

  /** A published workload and what must come of it. */
  record Workload(Map<StreamId, List<ChangeRecord>> expected, List<byte[]> invalid) {}

  static Workload publish(String topic, int databases, int transactions, int invalidEvery) {
    Map<StreamId, List<ChangeRecord>> expected = new LinkedHashMap<>();
    List<byte[]> invalid = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      int sent = 0;
      for (int t = 0; t < transactions; t++) {
        int db = t % databases;
        String database = "db" + db;
        int partition = db % 3;
        long lsn = 1000 + t;
        int size = 1 + t % 4;
        for (int i = 0; i < size; i++) {
          ChangeRecord record = insert(database, "orders", t * 10L + i, lsn, i, i == size - 1);
          producer.send(new ProducerRecord<>(topic, partition, key(database), bytes(record)));
          expected
              .computeIfAbsent(new StreamId(database, topic, partition), k -> new ArrayList<>())
              .add(record);
          if (++sent % invalidEvery == 0) {
            byte[] garbage = ("garbage " + sent).getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, partition, key(database), garbage));
            invalid.add(garbage);
          }
        }
      }
      producer.flush();
    }
    return new Workload(expected, invalid);
  }

  /** An idempotent producer for the shared broker that fails rather than retries forever. */
  static KafkaProducer<byte[], byte[]> producer() {
    Properties properties = KafkaBroker.clientProperties();
    properties.put("enable.idempotence", "true");
    properties.put("acks", "all");
    properties.put("max.in.flight.requests.per.connection", "1");
    properties.put("delivery.timeout.ms", "60000");
    return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static byte[] key(String database) {
    return database.getBytes(StandardCharsets.UTF_8);
  }

  static Map<String, Object> settings(String archiveUri, String prefix) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ArchiverConfig.ARCHIVE_URI, archiveUri);
    settings.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    settings.put("application.id", prefix + "-app");
    settings.put(ArchiverConfig.INPUT_TOPICS, prefix + ".changes");
    settings.put(ArchiverConfig.MANIFESTS_TOPIC, prefix + ".manifests");
    settings.put(ArchiverConfig.DLQ_TOPIC, prefix + ".dlq");
    settings.put(ArchiverConfig.METRICS_PORT, 0);
    settings.put(ArchiverConfig.SEGMENT_MAX_RECORDS, 40);
    settings.put("commit.interval.ms", 200);
    return settings;
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast) {
    Properties properties = KafkaBroker.clientProperties();
    properties.put("isolation.level", "read_committed");
    properties.put("group.id", "reader-" + UUID.randomUUID());
    properties.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= atLeast;
              });
      // A little longer, to catch anything beyond what was expected.
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    }
    return records;
  }

  void archiveAndCheck(String archiveUri, String prefix, int compressionLevel) {
    String topic = prefix + ".changes";
    KafkaBroker.createTopics(3, topic);
    Workload workload = publish(topic, 5, 120, 37);
    long total = workload.expected().values().stream().mapToLong(List::size).sum();
    Map<String, Object> settings = settings(archiveUri, prefix);
    settings.put(ArchiverConfig.SEGMENT_COMPRESSION_LEVEL, compressionLevel);

    try (ArchiverApp app = ArchiverApp.start(ArchiverConfig.parse(settings));
        ObjectStore store = ObjectStores.open(archiveUri)) {
      await().atMost(Duration.ofSeconds(90)).until(() -> ArchiveContents.count(store) >= total);
      assertThat(app.state()).isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);

      assertThat(new ArchiveReader(store).allStreams())
          .containsExactlyInAnyOrderElementsOf(workload.expected().keySet());
      for (var entry : workload.expected().entrySet()) {
        assertThat(ArchiveContents.records(store, entry.getKey()))
            .as("records of %s", entry.getKey())
            .containsExactlyElementsOf(entry.getValue());
        StreamReport report = new ChainVerifier(store).verify(entry.getKey());
        assertThat(report.findings()).isEmpty();
      }
      List<ConsumerRecord<byte[], byte[]>> dead =
          readAll(prefix + ".dlq", workload.invalid().size());
      assertThat(dead)
          .extracting(ConsumerRecord::value)
          .containsExactlyInAnyOrderElementsOf(workload.invalid());
      assertThat(dead)
          .allSatisfy(
              r ->
                  assertThat(DeadLetters.header(r.headers(), DeadLetters.REASON))
                      .isEqualTo("undecodable"));
      List<ConsumerRecord<byte[], byte[]>> manifests = readAll(prefix + ".manifests", 1);
      assertThat(manifests).isNotEmpty();
      assertThat(app.metrics().count("walstream.archiver.records.archived")).isEqualTo(total);
    }
  }

  @Test
  void shouldArchiveExactlyTheValidRecordsIntoAFilesystemArchive() {
    archiveAndCheck(
        dir.toUri().toString(),
        "fs" + UUID.randomUUID().toString().substring(0, 6),
        SegmentFormat.ZSTD_LEVEL);
  }

  @Test
  void shouldArchiveExactlyTheValidRecordsIntoAnS3Archive() {
    archiveAndCheck(
        S3ProxyFixture.newArchiveUri("archive"),
        "s3" + UUID.randomUUID().toString().substring(0, 6),
        // A level other than the default: its segments must read back and verify alike.
        SegmentFormat.MIN_ZSTD_LEVEL);
  }
}
