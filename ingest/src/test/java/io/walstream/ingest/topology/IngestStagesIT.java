package io.walstream.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.ingest.app.IngestApp;
import io.walstream.ingest.assemble.StagedEvent;
import io.walstream.ingest.config.IngestConfig;
import io.walstream.ingest.connect.CommitLsnHeader;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest's shape chosen at start against a real broker, and the waiting transactions carried
 * over when an input gains partitions under the one-stage shape.
 */
class IngestStagesIT {
  private static final SingleObjectCodec<ChangeRecord> RECORDS =
      SingleObjectCodec.of(ChangeRecord.class);

  @TempDir Path state;

  @Test
  void shouldRunInOneStageWhenEveryInputHasOnePartition() {
    Source src = new Source("one");
    KafkaBroker.createTopics(1, src.accounts(), src.transactions());
    try (IngestApp app = IngestApp.start(IngestConfig.parse(src.settings(state)))) {
      assertThat(app.shape()).isEqualTo(IngestConfig.Stages.ONE);
      src.change(src.accounts(), 0, 1, "7", 1);
      src.change(src.accounts(), 0, 2, "7", 2);
      src.end("7", 2, 9000);

      assertThat(src.output(2)).extracting(ChangeRecord::getLsn).containsExactly(9000L, 9000L);
    }
  }

  @Test
  void shouldRunInTwoStagesWhenAnInputHasSeveralPartitions() {
    Source src = new Source("two");
    KafkaBroker.createTopics(3, src.accounts());
    KafkaBroker.createTopics(1, src.transactions());
    try (IngestApp app = IngestApp.start(IngestConfig.parse(src.settings(state)))) {
      assertThat(app.shape()).isEqualTo(IngestConfig.Stages.TWO);
      src.change(src.accounts(), 2, 1, "7", 1);
      src.change(src.accounts(), 1, 2, "7", 2);
      src.end("7", 2, 9000);

      assertThat(src.output(2)).extracting(ChangeRecord::getTxIndex).containsExactly(0, 1);
    }
  }

  @Test
  void shouldRefuseOneStageWhenAnInputHasSeveralPartitions() {
    Source src = new Source("refused");
    KafkaBroker.createTopics(2, src.accounts());
    Map<String, Object> settings = src.settings(state);
    settings.put(IngestConfig.STAGES, "one");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> IngestApp.start(IngestConfig.parse(settings)).close())
        .isInstanceOf(WalstreamException.class)
        .hasMessageContaining("ingest.stages=one")
        .hasMessageContaining(src.accounts() + " has 2");
  }

  @Test
  void shouldStayInTwoStagesUntilTheTopicBetweenIsRead() {
    Source src = new Source("between");
    KafkaBroker.createTopics(1, src.accounts(), src.transactions());
    String between = IngestTopology.stageBetweenTopic("stages-between");
    KafkaBroker.createTopics(1, between);
    // An event the first stage took from the inputs before the ingest stopped, not assembled yet.
    ChangeRecord parsed =
        ChangeRecord.newBuilder()
            .setDatabase("shop")
            .setTable("public.accounts")
            .setOp(io.walstream.schemas.avro.Op.INSERT)
            .setKey(Map.<String, Object>of("id", 1L))
            .setAfter(Map.<String, Object>of("id", 1L))
            .setBefore(null)
            .setLsn(501)
            .setTxIndex(0)
            .setTxLast(true)
            .setCommitTime(io.walstream.schemas.value.Values.fromMicros(1_700_000_000_000_001L))
            .setSchemaVersion(0)
            .build();
    Source.send(
        new ProducerRecord<>(
            between,
            0,
            ParsingProcessor.ROUTE.getBytes(StandardCharsets.UTF_8),
            Staged.wrap(Staged.ON, StagedEvent.encode(StagedEvent.Change.of("7", 1, parsed))),
            new RecordHeaders()));

    try (IngestApp app = IngestApp.start(IngestConfig.parse(src.settings(state)))) {
      assertThat(app.shape()).isEqualTo(IngestConfig.Stages.TWO);
      src.end("7", 1, 9000);
      assertThat(src.output(1)).extracting(ChangeRecord::getLsn).containsExactly(9000L);
    }
    try (IngestApp app = IngestApp.start(IngestConfig.parse(src.settings(state)))) {
      assertThat(app.shape()).isEqualTo(IngestConfig.Stages.ONE);
    }
  }

  @Test
  void shouldCarryAWaitingTransactionOverWhenAnInputGainsPartitionsInOneStage() {
    Source src = new Source("grows");
    KafkaBroker.createTopics(1, src.accounts(), src.transactions());
    try (IngestApp app = IngestApp.start(IngestConfig.parse(src.settings(state)))) {
      assertThat(app.shape()).isEqualTo(IngestConfig.Stages.ONE);
      src.change(src.accounts(), 0, 1, "7", 1);
      src.end("7", 2, 9000);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> app.metrics().count("walstream.ingest.events.in", "kind", "change") == 1);
      // The second event of transaction 7 will come from a new table's topic of two partitions.
      KafkaBroker.createTopics(2, src.ledger());
      await().atMost(Duration.ofSeconds(90)).until(() -> app.failure() != null);

      assertThat(app.state()).isIn(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR);
      assertThat(app.failure())
          .isInstanceOf(WalstreamException.class)
          .hasMessageContaining("one stage needs every input topic in one partition")
          .hasMessageContaining("Restart the ingest");
      assertThat(app.metrics().count("walstream.ingest.records.out")).isZero();
    }
    try (IngestApp app = IngestApp.start(IngestConfig.parse(src.settings(state)))) {
      assertThat(app.shape()).isEqualTo(IngestConfig.Stages.TWO);
      src.change(src.ledger(), 1, 2, "7", 2);

      List<ChangeRecord> out = src.output(2);
      assertThat(out).extracting(ChangeRecord::getLsn).containsExactly(9000L, 9000L);
      assertThat(out)
          .extracting(ChangeRecord::getTable)
          .containsExactly("public.accounts", "public.ledger");
    }
  }

  /** A Debezium source's topics, named after the test, and its events as the connector writes. */
  private record Source(String name) {
    String accounts() {
      return name + ".public.accounts";
    }

    String ledger() {
      return name + ".public.ledger";
    }

    String transactions() {
      return name + ".transaction";
    }

    String output() {
      return name + ".changes";
    }

    Map<String, Object> settings(Path state) {
      Map<String, Object> settings = new HashMap<>();
      settings.put("bootstrap.servers", KafkaBroker.bootstrapServers());
      settings.put(IngestConfig.TOPICS_REGEX, name + "\\.public\\..*");
      settings.put(IngestConfig.TRANSACTION_TOPIC, transactions());
      settings.put(IngestConfig.DATABASE, "shop");
      settings.put(IngestConfig.OUTPUT_TOPIC, output());
      settings.put(IngestConfig.DLQ_TOPIC, name + ".dlq");
      settings.put("application.id", "stages-" + name);
      settings.put("state.dir", state.toString());
      settings.put("metrics.port", -1);
      // New input topics are found within a second rather than the default five minutes.
      settings.put("metadata.max.age.ms", 500);
      // A stopped instance does not leave its group (Kafka Streams): its successor waits this long.
      settings.put("session.timeout.ms", 6000);
      return settings;
    }

    void change(String topic, int partition, long id, String tx, long order) {
      String value =
          "{\"before\":null,\"after\":{\"id\":"
              + id
              + "},\"source\":{\"db\":\"src\",\"schema\":\"public\",\"table\":\""
              + topic.substring(topic.lastIndexOf('.') + 1)
              + "\",\"ts_us\":1700000000000001,\"ts_ms\":1700000000000,\"lsn\":"
              + (500 + id)
              + "},\"op\":\"c\",\"transaction\":{\"id\":\""
              + tx
              + "\",\"total_order\":"
              + order
              + ",\"data_collection_order\":1}}";
      send(
          new ProducerRecord<>(
              topic, partition, utf8("{\"id\":" + id + "}"), utf8(value), new RecordHeaders()));
    }

    void end(String tx, long count, long commitLsn) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(CommitLsnHeader.HEADER, utf8(Long.toString(commitLsn)));
      String value =
          "{\"status\":\"END\",\"id\":\""
              + tx
              + "\",\"event_count\":"
              + count
              + ",\"data_collections\":[],\"ts_ms\":1700000000000}";
      send(
          new ProducerRecord<>(
              transactions(), 0, utf8("{\"id\":\"" + tx + "\"}"), utf8(value), headers));
    }

    private static void send(ProducerRecord<byte[], byte[]> record) {
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", KafkaBroker.bootstrapServers()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        producer.send(record);
      }
    }

    /** The first {@code n} records of the output topic (read_committed), decoded. */
    List<ChangeRecord> output(int n) {
      List<ChangeRecord> records = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  "bootstrap.servers",
                  KafkaBroker.bootstrapServers(),
                  "isolation.level",
                  "read_committed",
                  "auto.offset.reset",
                  "earliest",
                  "group.id",
                  name + "-reader-" + System.nanoTime()),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(output()));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(RECORDS.decode(r.value()));
                  }
                  return records.size() >= n;
                });
      }
      return records;
    }

    private static byte[] utf8(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
  }
}
