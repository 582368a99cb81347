package io.walstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.codec.DecodeException.Reason;
import io.walstream.schemas.testing.ChangeRecordArbitraries;
import io.walstream.schemas.testing.ChangeRecordArbitraries.Profile;
import io.walstream.schemas.value.Values;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SingleObjectCodecTest {
  private final SingleObjectCodec<ChangeRecord> codec = SingleObjectCodec.of(ChangeRecord.class);

  static ChangeRecord sample() {
    return ChangeRecord.newBuilder()
        .setDatabase("shop")
        .setTable("orders")
        .setOp(Op.UPDATE)
        .setKey(Map.of("id", 7L))
        .setAfter(Map.of("id", 7L, "total", Values.decimal(new BigDecimal("12.50"))))
        .setLsn(1042)
        .setTxIndex(0)
        .setTxLast(true)
        .setCommitTime(Instant.parse("2026-11-21T10:00:00.123456Z"))
        .build();
  }

  @Property(tries = 300)
  void shouldRoundTripEveryRecordWhenEncodedAndDecoded(@ForAll("records") ChangeRecord record) {
    byte[] bytes = codec.encode(record);

    assertThat(codec.decode(bytes)).isEqualTo(record);
  }

  @Provide
  Arbitrary<ChangeRecord> records() {
    return ChangeRecordArbitraries.records(Profile.AVRO);
  }

  @Test
  void shouldStartWithMarkerAndFingerprintWhenEncoding() {
    byte[] bytes = codec.encode(sample());

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long fingerprint = 0;
    for (int i = 9; i >= 2; i--) {
      fingerprint = (fingerprint << 8) | (bytes[i] & 0xFF);
    }
    assertThat(fingerprint).isEqualTo(SchemaCatalog.fingerprint(ChangeRecord.getClassSchema()));
  }

  @Test
  void shouldReportEmptyWhenBytesAreNullOrEmpty() {
    assertDecodeFails(null, Reason.EMPTY, "no bytes");
    assertDecodeFails(new byte[0], Reason.EMPTY, "no bytes");
  }

  @Test
  void shouldReportBadMarkerWhenFirstBytesAreWrong() {
    byte[] bytes = codec.encode(sample());
    bytes[0] = 0x7B;

    assertDecodeFails(bytes, Reason.BAD_MARKER, "bad marker 7B 01");
  }

  @Test
  void shouldReportBadMarkerWhenSecondMarkerByteIsWrong() {
    byte[] bytes = codec.encode(sample());
    bytes[1] = 0x02;

    assertDecodeFails(bytes, Reason.BAD_MARKER, "bad marker C3 02");
  }

  @Test
  void shouldReportTruncatedWhenHeaderIsCut() {
    byte[] bytes = Arrays.copyOf(codec.encode(sample()), 6);

    assertDecodeFails(bytes, Reason.TRUNCATED, "truncated header: 6 bytes");
  }

  @Test
  void shouldReportTruncatedWhenBodyIsCut() {
    byte[] full = codec.encode(sample());
    byte[] bytes = Arrays.copyOf(full, full.length - 3);

    assertDecodeFails(bytes, Reason.TRUNCATED, "truncated body");
  }

  @Test
  void shouldReportUnknownFingerprintWhenWriterSchemaIsNotKnown() {
    byte[] bytes = codec.encode(sample());
    bytes[5] ^= 0x55;

    assertDecodeFails(bytes, Reason.UNKNOWN_FINGERPRINT, "unknown schema fingerprint");
  }

  @Test
  void shouldReportIncompatibleSchemaWhenBytesAreAnotherRecordType() {
    RestoreStatus status =
        RestoreStatus.newBuilder()
            .setCommandId("c-1")
            .setState(JobState.ACCEPTED)
            .setUpdatedAt(Instant.parse("2026-11-21T10:00:00Z"))
            .setInstanceId("i-1")
            .build();
    byte[] bytes = SingleObjectCodec.of(RestoreStatus.class).encode(status);

    assertDecodeFails(bytes, Reason.INCOMPATIBLE_SCHEMA, "RestoreStatus");
  }

  @Test
  void shouldReportMalformedWhenBodyIsGarbage() {
    byte[] bytes = codec.encode(sample());
    byte[] garbage = Arrays.copyOf(bytes, 40);
    for (int i = SingleObjectCodec.HEADER_SIZE; i < garbage.length; i++) {
      garbage[i] = (byte) 0xFF;
    }

    assertDecodeFails(garbage, Reason.MALFORMED, "malformed body");
  }

  @Test
  void shouldReportMalformedWhenBytesFollowTheBody() {
    byte[] bytes = codec.encode(sample());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);

    assertDecodeFails(longer, Reason.MALFORMED, "trailing bytes");
  }

  @Property(tries = 500)
  void shouldRaiseOnlyDecodeExceptionWhenBytesAreRandom(@ForAll byte[] bytes) {
    try {
      codec.decode(bytes);
    } catch (DecodeException expected) {
      assertThat(expected.getMessage()).startsWith("Cannot decode ChangeRecord: ");
    }
  }

  @Property(tries = 300)
  void shouldRaiseOnlyDecodeExceptionWhenAValidRecordIsMutated(
      @ForAll("records") ChangeRecord record, @ForAll int position, @ForAll byte value) {
    byte[] bytes = codec.encode(record);
    bytes[Math.floorMod(position, bytes.length)] = value;
    try {
      assertThat(codec.decode(bytes)).isNotNull();
    } catch (DecodeException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  @Test
  void shouldNameTheFieldWhenEncodingARecordWithANullRequiredField() {
    ChangeRecord record = sample();
    record.setDatabase(null);

    assertThatThrownBy(() -> codec.encode(record))
        .isInstanceOf(EncodeException.class)
        .hasMessageStartingWith("Cannot encode ChangeRecord: ")
        .hasMessageContaining("database");
  }

  private void assertDecodeFails(byte[] bytes, Reason reason, String message) {
    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageStartingWith("Cannot decode ChangeRecord: ")
        .hasMessageContaining(message);
  }
}
