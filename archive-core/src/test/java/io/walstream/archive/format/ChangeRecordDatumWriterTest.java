package io.walstream.archive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.testing.ChangeRecordArbitraries;
import io.walstream.schemas.testing.ChangeRecordArbitraries.Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** The fast path must write exactly what Avro's own writer writes. */
class ChangeRecordDatumWriterTest {

  private static byte[] encode(DatumWriter<ChangeRecord> writer, ChangeRecord record)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    writer.write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  @Property(tries = 500)
  void shouldWriteTheSameBytesAsAvrosSpecificWriter(@ForAll("records") ChangeRecord record)
      throws IOException {
    byte[] expected = encode(new SpecificDatumWriter<>(ChangeRecord.class), record);

    assertThat(encode(new ChangeRecordDatumWriter(), record)).isEqualTo(expected);
  }

  @Provide
  Arbitrary<ChangeRecord> records() {
    return ChangeRecordArbitraries.records(Profile.AVRO);
  }

  @Test
  void shouldRefuseASchemaItWasNotWrittenFor() {
    Schema other = Schema.createRecord("Other", null, "x", false, List.of());

    assertThatThrownBy(() -> new ChangeRecordDatumWriter().setSchema(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only the current schema");
  }

  @Test
  void shouldNameTheColumnWhenAValueHasAnUnsupportedType() {
    ChangeRecord record = SegmentFormatTest.sample(1).get(0);
    java.util.Map<String, Object> after = new java.util.LinkedHashMap<>(record.getAfter());
    after.put("uuid", UUID.randomUUID());
    record.setAfter(after);

    assertThatThrownBy(() -> encode(new ChangeRecordDatumWriter(), record))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot write column uuid");
  }
}
