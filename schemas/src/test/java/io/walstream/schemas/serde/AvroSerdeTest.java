package io.walstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.jsonl.JsonLines;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private final Serde<ChangeRecord> serde = WalstreamSerdes.changeRecord();

  @Test
  void shouldRoundTripWhenSerializedThroughKafkaSerde() {
    ChangeRecord record =
        JsonLines.parse(
            "{\"database\":\"shop\",\"table\":\"t\",\"op\":\"DELETE\",\"key\":{\"id\":1},"
                + "\"lsn\":5,\"txIndex\":1,\"txLast\":false,"
                + "\"commitTime\":\"2026-11-21T10:00:00Z\"}",
            1);

    byte[] bytes = serde.serializer().serialize("walstream.changes", record);

    assertThat(serde.deserializer().deserialize("walstream.changes", bytes)).isEqualTo(record);
  }

  @Test
  void shouldMapTombstonesToNullWhenValueIsNull() {
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void shouldRaiseDecodeExceptionWhenBytesAreGarbage() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {1, 2, 3}))
        .isInstanceOfSatisfying(
            DecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(DecodeException.Reason.BAD_MARKER));
  }
}
