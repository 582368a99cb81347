package io.walstream.archiver.topology;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static io.walstream.archiver.testing.ChangeRecords.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archiver.commit.CommitCoordinator;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.metrics.ArchiverMetrics;
import io.walstream.archiver.partition.ArchiverRuntime;
import io.walstream.archiver.partition.ConfluentChangeRecords;
import io.walstream.archiver.testing.ArchiveContents;
import io.walstream.archiver.testing.MutableClock;
import io.walstream.archiver.testing.NoReadBack;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.service.registry.ConfluentWire;
import io.walstream.service.registry.SchemaRegistryClient;
import io.walstream.service.registry.SchemaRegistryDouble;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code input.format=confluent-avro}: ChangeRecords in the Confluent Schema Registry wire format,
 * writer schemas from the registry double, archived like walstream's own; an evolved writer schema
 * is resolved; unknown ids and bad bytes are dead letters naming why.
 */
class ConfluentInputTest {
  private static final String TOPIC = "walstream.changes";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final MutableClock clock =
      new MutableClock(java.time.Instant.parse("2026-11-22T00:00:00Z"));
  private final CommitCoordinator coordinator = new CommitCoordinator();
  private final SchemaRegistryDouble registry = new SchemaRegistryDouble();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> input;
  private TestOutputTopic<byte[], byte[]> dlq;

  ConfluentInputTest() throws Exception {}

  private void start() {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ArchiverConfig.ARCHIVE_URI, "file:///unused");
    properties.put("bootstrap.servers", "unused:9092");
    properties.put(ArchiverConfig.INPUT_FORMAT, "confluent-avro");
    properties.put(ArchiverConfig.SCHEMA_REGISTRY_URL, registry.url());
    ArchiverConfig config = ArchiverConfig.parse(properties);
    ArchiverRuntime runtime =
        new ArchiverRuntime(
            config,
            new ArchiveWriter(store, "ttd-writer"),
            new ArchiveReader(store),
            coordinator,
            new NoReadBack(),
            ArchiverMetrics.inMemory(),
            clock,
            Runnable::run,
            new ConfluentChangeRecords(new SchemaRegistryClient(config.schemaRegistryUrl(), "")));
    Properties streams = new Properties();
    streams.putAll(config.streamsProperties());
    driver = new TopologyTestDriver(ArchiverTopology.build(runtime), streams, clock.instant());
    input = driver.createInputTopic(TOPIC, new ByteArraySerializer(), new ByteArraySerializer());
    dlq =
        driver.createOutputTopic(
            "walstream.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
    registry.close();
  }

  private static byte[] confluent(int id, ChangeRecord record) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
    new SpecificDatumWriter<>(ChangeRecord.class).write(record, encoder);
    encoder.flush();
    return ConfluentWire.frame(id, body.toByteArray());
  }

  /** A producer's evolved schema: ChangeRecord plus a field walstream does not know. */
  private static byte[] evolved(int id, Schema schema, ChangeRecord record) throws Exception {
    GenericRecord datum = new GenericData.Record(schema);
    for (Schema.Field f : ChangeRecord.getClassSchema().getFields()) {
      datum.put(f.name(), GenericData.get().deepCopy(f.schema(), record.get(f.name())));
    }
    datum.put("producer", "orders-service");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
    new GenericDatumWriter<GenericRecord>(schema, SpecificData()).write(datum, encoder);
    encoder.flush();
    return ConfluentWire.frame(id, body.toByteArray());
  }

  private static GenericData SpecificData() {
    return org.apache.avro.specific.SpecificData.get();
  }

  private static Schema evolvedSchema() {
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record("ChangeRecord").namespace("io.walstream.schemas.avro").fields();
    for (Schema.Field f : ChangeRecord.getClassSchema().getFields()) {
      fields = fields.name(f.name()).type(f.schema()).noDefault();
    }
    return fields.name("producer").type().stringType().stringDefault("").endRecord();
  }

  @Test
  void shouldArchiveConfluentRecordsOfEveryRegisteredWriterSchema() throws Exception {
    Schema evolved = evolvedSchema();
    registry.register(1, ChangeRecord.getClassSchema());
    registry.register(2, evolved);
    start();
    ChangeRecord first = insert("shop", "orders", 1, 10, 0, true);
    ChangeRecord second = insert("shop", "orders", 2, 20, 0, true);
    ChangeRecord third = insert("shop", "orders", 3, 30, 0, true);
    input.pipeInput(key("shop"), confluent(1, first));
    input.pipeInput(key("shop"), evolved(2, evolved, second));
    input.pipeInput(key("shop"), bytes(third));
    coordinator.beforeOffsetCommit(Set.of(P0));
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(ArchiveContents.records(store, new StreamId("shop", TOPIC, 0)))
        .containsExactly(first, second, third);
    assertThat(registry.requests()).as("each schema fetched once").isEqualTo(2);
  }

  @Test
  void shouldDeadLetterUnknownSchemaIdsAndBodiesThatDoNotMatchTheirSchema() throws Exception {
    registry.register(1, ChangeRecord.getClassSchema());
    start();
    input.pipeInput(key("shop"), confluent(9, insert("shop", "orders", 1, 10, 0, true)));
    input.pipeInput(
        key("shop"), ConfluentWire.frame(1, "garbage".getBytes(StandardCharsets.UTF_8)));
    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(2);
    assertThat(header(dead.get(0), DeadLetters.REASON)).isEqualTo("undecodable");
    assertThat(header(dead.get(0), DeadLetters.DETAIL))
        .contains("no schema 9")
        .contains("error_code 40403");
    assertThat(header(dead.get(1), DeadLetters.DETAIL)).contains("written with schema 1");
  }

  @Test
  void shouldRefuseConfluentInputWithoutARegistry() {
    Map<String, Object> properties = new HashMap<>();
    properties.put(ArchiverConfig.ARCHIVE_URI, "file:///unused");
    properties.put("bootstrap.servers", "unused:9092");
    properties.put(ArchiverConfig.INPUT_FORMAT, "confluent-avro");
    assertThatThrownBy(() -> ArchiverConfig.parse(properties))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("schema.registry.url");
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
