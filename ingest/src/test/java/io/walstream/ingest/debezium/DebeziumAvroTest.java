package io.walstream.ingest.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.avro.TimestampValue;
import io.walstream.schemas.value.Values;
import io.walstream.service.registry.ConfluentWire;
import io.walstream.service.registry.SchemaRegistryClient;
import io.walstream.service.registry.SchemaRegistryDouble;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Debezium events as Confluent's AvroConverter writes them: Connect's logical types carried as
 * {@code connect.name}, {@code connect.parameters} and {@code connect.type} properties of the Avro
 * schema (as Connect's AvroData documents them), in the Schema Registry wire format, writer schemas
 * from the registry double.
 */
class DebeziumAvroTest {
  private static final String VALUE =
      "{\"type\":\"record\",\"name\":\"Value\",\"namespace\":\"pg.public.accounts\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},"
          + "{\"name\":\"amount\",\"type\":[\"null\",{\"type\":\"bytes\",\"scale\":2,\"precision\":12,"
          + "\"connect.version\":1,\"connect.parameters\":{\"scale\":\"2\","
          + "\"connect.decimal.precision\":\"12\"},\"connect.name\":"
          + "\"org.apache.kafka.connect.data.Decimal\",\"logicalType\":\"decimal\"}],\"default\":null},"
          + "{\"name\":\"opened\",\"type\":[\"null\",{\"type\":\"int\",\"connect.version\":1,"
          + "\"connect.name\":\"io.debezium.time.Date\"}],\"default\":null},"
          + "{\"name\":\"updated\",\"type\":[\"null\",{\"type\":\"string\",\"connect.version\":1,"
          + "\"connect.name\":\"io.debezium.time.ZonedTimestamp\"}],\"default\":null},"
          + "{\"name\":\"small\",\"type\":[\"null\",{\"type\":\"int\",\"connect.type\":\"int16\"}],"
          + "\"default\":null}],\"connect.name\":\"pg.public.accounts.Value\"}";
  private static final Schema ENVELOPE =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Envelope\",\"namespace\":\"pg.public.accounts\","
                  + "\"fields\":[{\"name\":\"before\",\"type\":[\"null\","
                  + VALUE
                  + "],"
                  + "\"default\":null},{\"name\":\"after\",\"type\":[\"null\",\"Value\"],"
                  + "\"default\":null},{\"name\":\"source\",\"type\":{\"type\":\"record\","
                  + "\"name\":\"Source\",\"namespace\":\"io.debezium.connector.postgresql\","
                  + "\"fields\":[{\"name\":\"db\",\"type\":\"string\"},{\"name\":\"schema\","
                  + "\"type\":\"string\"},{\"name\":\"table\",\"type\":\"string\"},{\"name\":"
                  + "\"ts_ms\",\"type\":\"long\"},{\"name\":\"ts_us\",\"type\":[\"null\",\"long\"],"
                  + "\"default\":null},{\"name\":\"lsn\",\"type\":[\"null\",\"long\"],\"default\":"
                  + "null}]}},{\"name\":\"op\",\"type\":\"string\"},{\"name\":\"transaction\","
                  + "\"type\":[\"null\",{\"type\":\"record\",\"name\":\"block\",\"namespace\":"
                  + "\"event\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":"
                  + "\"total_order\",\"type\":\"long\"},{\"name\":\"data_collection_order\","
                  + "\"type\":\"long\"}]}],\"default\":null}]}");
  private static final Schema KEY =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Key\",\"namespace\":\"pg.public.accounts\","
                  + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}");
  private static final Schema TX =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"TransactionMetadataValue\",\"namespace\":"
                  + "\"io.debezium.connector.common\",\"fields\":[{\"name\":\"status\",\"type\":"
                  + "\"string\"},{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"event_count\","
                  + "\"type\":[\"null\",\"long\"],\"default\":null}]}");

  private final SchemaRegistryDouble registry = new SchemaRegistryDouble();
  private final DebeziumJson parser;

  DebeziumAvroTest() throws Exception {
    registry.register(11, ENVELOPE);
    registry.register(12, KEY);
    registry.register(13, TX);
    parser = DebeziumJson.avro(null, new SchemaRegistryClient(registry.url(), ""));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private static byte[] wire(int id, Schema schema, GenericRecord datum) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
    new GenericDatumWriter<GenericRecord>(schema).write(datum, encoder);
    encoder.flush();
    return ConfluentWire.frame(id, body.toByteArray());
  }

  @Test
  void shouldMapAnAvroConverterEventThroughItsConnectProperties() throws Exception {
    Schema value = ENVELOPE.getField("after").schema().getTypes().get(1);
    GenericRecord after = new GenericData.Record(value);
    after.put("id", 7L);
    after.put("amount", ByteBuffer.wrap(BigInteger.valueOf(1230).toByteArray()));
    after.put("opened", 19_000);
    after.put("updated", "2026-01-02T05:04:05.123456+02:00");
    after.put("small", 3);
    GenericRecord source = new GenericData.Record(ENVELOPE.getField("source").schema());
    source.put("db", "shop");
    source.put("schema", "public");
    source.put("table", "accounts");
    source.put("ts_ms", 1_700_000_000_123L);
    source.put("ts_us", 1_700_000_000_123_456L);
    source.put("lsn", 4242L);
    GenericRecord block =
        new GenericData.Record(ENVELOPE.getField("transaction").schema().getTypes().get(1));
    block.put("id", "571:4242");
    block.put("total_order", 2L);
    block.put("data_collection_order", 1L);
    GenericRecord envelope = new GenericData.Record(ENVELOPE);
    envelope.put("after", after);
    envelope.put("source", source);
    envelope.put("op", "c");
    envelope.put("transaction", block);
    GenericRecord key = new GenericData.Record(KEY);
    key.put("id", 7L);

    DebeziumEvent.Change c =
        (DebeziumEvent.Change) parser.change(wire(12, KEY, key), wire(11, ENVELOPE, envelope));

    assertThat(c.op()).isEqualTo(Op.INSERT);
    assertThat(c.table()).isEqualTo("public.accounts");
    assertThat(c.key()).containsEntry("id", 7L);
    assertThat(Values.toBigDecimal((DecimalValue) c.after().get("amount")).toPlainString())
        .isEqualTo("12.30");
    assertThat(((DateValue) c.after().get("opened")).getDays())
        .isEqualTo(LocalDate.ofEpochDay(19_000));
    assertThat(((TimestampValue) c.after().get("updated")).getMicros())
        .isEqualTo(Instant.parse("2026-01-02T03:04:05.123456Z"));
    assertThat(c.after().get("small")).isEqualTo(3L);
    assertThat(c.commitTimeMicros()).isEqualTo(1_700_000_000_123_456L);
    assertThat(c.transaction()).contains(new DebeziumEvent.TransactionPlace("571", 2));
  }

  @Test
  void shouldReadAvroTransactionBoundaries() throws Exception {
    GenericRecord end = new GenericData.Record(TX);
    end.put("status", "END");
    end.put("id", "571:4300");
    end.put("event_count", 2L);
    DebeziumEvent.Boundary b = parser.boundary(wire(13, TX, end), Optional.of(4300L));
    assertThat(b.status()).isEqualTo(DebeziumEvent.Status.END);
    assertThat(b.id()).isEqualTo("571");
    assertThat(b.eventCount()).isEqualTo(2);
  }

  @Test
  void shouldNameAnUnknownSchemaAndBytesThatAreNotTheWireFormat() {
    assertThatThrownBy(() -> parser.change(null, ConfluentWire.frame(99, new byte[] {2})))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("no schema 99");
    assertThatThrownBy(() -> parser.change(null, "{\"op\":\"c\"}".getBytes()))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("magic byte");
  }
}
