package io.walstream.archiver.it;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.layout.Names;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archive.testing.S3ProxyFixture;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.testing.ArchiveContents;
import io.walstream.archiver.topology.DeadLetters;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database names at the edge of what the stores hold, through the archiver on each store: every
 * valid name is archived, one beyond the limit is dead-lettered, and the database after them on the
 * same partition is archived either way (no record's content may stop the task).
 */
class LongNamesIT {
  /** 'é' encodes to six key characters ({@code %C3%A9}): 42 of them and three letters are 255. */
  private static final String ENCODED_AT_LIMIT = "é".repeat(42) + "abc";

  private static final String ENCODED_OVER_LIMIT = "é".repeat(42) + "abcd";

  @TempDir Path dir;

  private void archiveLongNames(String archiveUri, String prefix) {
    String topic = prefix + ".changes";
    KafkaBroker.createTopics(1, topic);
    List<String> valid =
        List.of("d".repeat(213), "e".repeat(214), "f".repeat(249), ENCODED_AT_LIMIT, "after");
    Map<StreamId, ChangeRecord> expected = new LinkedHashMap<>();
    byte[] refused = bytes(insert(ENCODED_OVER_LIMIT, "orders", 1, 1, 0, true));
    try (KafkaProducer<byte[], byte[]> producer = ArchiverIT.producer()) {
      for (int i = 0; i < valid.size(); i++) {
        if (i == valid.size() - 1) {
          producer.send(new ProducerRecord<>(topic, 0, ArchiverIT.key("x"), refused));
        }
        ChangeRecord record = insert(valid.get(i), "orders", i, 10 + i, 0, true);
        expected.put(new StreamId(valid.get(i), topic, 0), record);
        producer.send(new ProducerRecord<>(topic, 0, ArchiverIT.key(valid.get(i)), bytes(record)));
      }
      producer.flush();
    }

    try (ArchiverApp app =
            ArchiverApp.start(ArchiverConfig.parse(ArchiverIT.settings(archiveUri, prefix)));
        ObjectStore store = ObjectStores.open(archiveUri)) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> ArchiveContents.count(store) >= valid.size());
      assertThat(app.state()).isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
      for (var entry : expected.entrySet()) {
        assertThat(ArchiveContents.records(store, entry.getKey()))
            .as(
                "records of a database named with %d characters",
                entry.getKey().database().length())
            .containsExactly(entry.getValue());
        assertThat(new ChainVerifier(store).verify(entry.getKey()).findings()).isEmpty();
      }
      List<ConsumerRecord<byte[], byte[]>> dead = ArchiverIT.readAll(prefix + ".dlq", 1);
      assertThat(dead)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.value()).isEqualTo(refused);
                assertThat(DeadLetters.header(r.headers(), DeadLetters.REASON))
                    .isEqualTo("invalid-name");
                assertThat(DeadLetters.header(r.headers(), DeadLetters.DETAIL))
                    .contains("encodes to more than " + Names.MAX_ENCODED_LENGTH);
              });
    }
  }

  @Test
  void shouldArchiveNamesUpToTheLimitAndDeadLetterOneBeyondOnAFilesystemArchive() {
    archiveLongNames(
        dir.toUri().toString(), "fslong" + UUID.randomUUID().toString().substring(0, 6));
  }

  @Test
  void shouldArchiveNamesUpToTheLimitAndDeadLetterOneBeyondOnAnS3Archive() {
    archiveLongNames(
        S3ProxyFixture.newArchiveUri("long"),
        "s3long" + UUID.randomUUID().toString().substring(0, 6));
  }
}
