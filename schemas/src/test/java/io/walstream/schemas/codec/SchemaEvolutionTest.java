package io.walstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.avro.ChangeRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

/**
 * Records written with a newer schema (an added optional field) and an older one (without {@code
 * schemaVersion}) both decode, and the newer reader decodes what the current writer wrote.
 */
class SchemaEvolutionTest {
  private static final Schema NEWER = load("ChangeRecord-next.avsc");
  private static final Schema OLDER = load("ChangeRecord-older.avsc");

  @Test
  void shouldDecodeIntoCurrentClassWhenWrittenWithNewerSchema() throws IOException {
    GenericRecord newer = genericRecord(NEWER);
    newer.put("schemaVersion", 3);
    newer.put("sourceHost", "db-primary-1");
    byte[] bytes = singleObject(NEWER, newer);
    SingleObjectCodec<ChangeRecord> codec =
        SingleObjectCodec.of(ChangeRecord.class, SchemaCatalog.shipped().with(NEWER));

    ChangeRecord decoded = codec.decode(bytes);

    assertThat(decoded.getDatabase()).isEqualTo("shop");
    assertThat(decoded.getKey()).containsEntry("id", 7L);
    assertThat(decoded.getSchemaVersion()).isEqualTo(3);
    assertThat(decoded.getCommitTime()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
  }

  @Test
  void shouldFillDefaultsWhenWrittenWithOlderSchema() throws IOException {
    GenericRecord older = genericRecord(OLDER);
    byte[] bytes = singleObject(OLDER, older);
    SingleObjectCodec<ChangeRecord> codec =
        SingleObjectCodec.of(ChangeRecord.class, SchemaCatalog.shipped().with(OLDER));

    ChangeRecord decoded = codec.decode(bytes);

    assertThat(decoded.getTable()).isEqualTo("orders");
    assertThat(decoded.getSchemaVersion()).isZero();
  }

  @Test
  void shouldDecodeCurrentRecordsWhenReaderHasNewerSchema() throws IOException {
    byte[] bytes = SingleObjectCodec.of(ChangeRecord.class).encode(SingleObjectCodecTest.sample());
    BinaryMessageDecoder<GenericRecord> newerReader =
        new BinaryMessageDecoder<>(GenericData.get(), NEWER, SchemaCatalog.shipped());

    GenericRecord decoded = newerReader.decode(bytes);

    assertThat(decoded.get("database").toString()).isEqualTo("shop");
    assertThat(decoded.get("sourceHost")).isNull();
    assertThat(decoded.get("lsn")).isEqualTo(1042L);
  }

  @Test
  void shouldReportUnknownFingerprintWhenNewerSchemaIsNotInTheCatalog() throws IOException {
    byte[] bytes = singleObject(NEWER, genericRecord(NEWER));

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SingleObjectCodec.of(ChangeRecord.class).decode(bytes))
        .isInstanceOfSatisfying(
            DecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(DecodeException.Reason.UNKNOWN_FINGERPRINT));
  }

  private static GenericRecord genericRecord(Schema schema) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("database", "shop");
    record.put("table", "orders");
    record.put("op", new GenericData.EnumSymbol(schema.getField("op").schema(), "INSERT"));
    record.put("key", Map.of("id", 7L));
    record.put("after", Map.of("id", 7L, "name", "x"));
    record.put("lsn", 1L);
    record.put("txIndex", 0);
    record.put("txLast", true);
    record.put("commitTime", 1_795_255_200_000_000L);
    if (schema.getField("schemaVersion") != null) {
      record.put("schemaVersion", 0);
    }
    return record;
  }

  private static byte[] singleObject(Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0xC3, 0x01});
    out.write(
        ByteBuffer.allocate(8)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .putLong(SchemaCatalog.fingerprint(schema))
            .array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static Schema load(String name) {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/evolution/" + name)) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new AssertionError("Cannot load test schema " + name, e);
    }
  }
}
