package io.walstream.archive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.testing.ChangeRecordArbitraries;
import io.walstream.schemas.testing.ChangeRecordArbitraries.Profile;
import io.walstream.schemas.value.Values;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The probe must read exactly what the full decoder reads. */
class RecordProbeTest {
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);

  @Provide
  Arbitrary<ChangeRecord> records() {
    return ChangeRecordArbitraries.records(Profile.AVRO);
  }

  private static boolean plain(String name) {
    return !name.isEmpty() && name.chars().noneMatch(Character::isISOControl);
  }

  @Property(tries = 500)
  void shouldReadTheSameFieldsAsTheFullDecoder(@ForAll("records") ChangeRecord record) {
    byte[] bytes = CODEC.encode(record);

    RecordProbe.Result probe = new RecordProbe().probe(bytes, SingleObjectCodec.HEADER_SIZE);

    assertThat(probe.database()).isEqualTo(record.getDatabase());
    assertThat(probe.table()).isEqualTo(record.getTable());
    assertThat(RecordProbe.opName(probe)).isEqualTo(record.getOp().name());
    assertThat(probe.keyColumns()).isEqualTo(record.getKey().size());
    assertThat(probe.hasAfter()).isEqualTo(record.getAfter() != null);
    boolean columnsPlain =
        record.getKey().keySet().stream().allMatch(RecordProbeTest::plain)
            && (record.getAfter() == null
                || record.getAfter().keySet().stream().allMatch(RecordProbeTest::plain));
    assertThat(probe.columnsPlain()).isEqualTo(columnsPlain);
    assertThat(probe.lsn()).isEqualTo(record.getLsn());
    assertThat(probe.txIndex()).isEqualTo(record.getTxIndex());
    assertThat(probe.txLast()).isEqualTo(record.getTxLast());
    assertThat(probe.commitTimeMicros()).isEqualTo(Values.toMicros(record.getCommitTime()));
    byte[] body = Arrays.copyOfRange(bytes, SingleObjectCodec.HEADER_SIZE, bytes.length);
    assertThat(
            new EncodedRecord(
                    body, 0, body.length, probe.lsn(), probe.txIndex(), probe.commitTimeMicros())
                .decode())
        .isEqualTo(record);
  }

  @Property(tries = 500)
  void shouldRaiseOnlyDecodeExceptionWhenBytesAreMutated(
      @ForAll("records") ChangeRecord record, @ForAll int position, @ForAll byte value) {
    byte[] bytes = CODEC.encode(record);
    int at =
        SingleObjectCodec.HEADER_SIZE
            + Math.floorMod(position, bytes.length - SingleObjectCodec.HEADER_SIZE);
    bytes[at] = value;
    try {
      RecordProbe.Result probe = new RecordProbe().probe(bytes, SingleObjectCodec.HEADER_SIZE);
      assertThat(probe.database()).isNotNull();
    } catch (DecodeException expected) {
      assertThat(expected.getMessage()).startsWith("Cannot decode ChangeRecord: ");
    }
  }

  /**
   * The archiver keeps the bytes of every record the probe accepts, and restores decode them with
   * the full decoder: a body the probe accepts but the decoder refuses would be archived and then
   * break every restore through it. The probe must accept exactly what the decoder reads.
   */
  @Property(tries = 3000)
  void shouldAcceptExactlyWhatTheFullDecoderReadsWhenBytesAreMutated(
      @ForAll("records") ChangeRecord record,
      @ForAll int position,
      @ForAll byte value,
      @ForAll int cut) {
    byte[] bytes = CODEC.encode(record);
    int body = bytes.length - SingleObjectCodec.HEADER_SIZE;
    bytes[SingleObjectCodec.HEADER_SIZE + Math.floorMod(position, body)] = value;
    if (cut % 8 == 0) {
      bytes = Arrays.copyOf(bytes, SingleObjectCodec.HEADER_SIZE + Math.floorMod(cut, body));
    }
    ChangeRecord decoded = decodeOrNull(bytes);

    RecordProbe.Result probe;
    try {
      probe = new RecordProbe().probe(bytes, SingleObjectCodec.HEADER_SIZE);
    } catch (DecodeException refused) {
      assertThat(decoded).as("the full decoder reads what the probe refused: " + refused).isNull();
      return;
    }

    assertThat(decoded).as("the full decoder refuses what the probe accepted").isNotNull();
    assertThat(probe.database()).isEqualTo(decoded.getDatabase());
    assertThat(probe.table()).isEqualTo(decoded.getTable());
    assertThat(probe.lsn()).isEqualTo(decoded.getLsn());
    assertThat(probe.txIndex()).isEqualTo(decoded.getTxIndex());
    assertThat(probe.commitTimeMicros()).isEqualTo(Values.toMicros(decoded.getCommitTime()));
  }

  private static ChangeRecord decodeOrNull(byte[] bytes) {
    try {
      return CODEC.decode(bytes);
    } catch (DecodeException refused) {
      return null;
    }
  }

  @Test
  void shouldRefuseANegativeLengthInTheBeforeImageAsTheFullDecoderDoes() {
    ChangeRecord record =
        ChangeRecord.newBuilder()
            .setDatabase("db")
            .setTable("t")
            .setOp(Op.UPDATE)
            .setKey(Map.of("id", 1L))
            .setAfter(Map.of("id", 1L))
            .setBefore(Map.of("c", "xy"))
            .setLsn(1)
            .setTxIndex(0)
            .setTxLast(true)
            .setCommitTime(java.time.Instant.EPOCH)
            .build();
    byte[] bytes = CODEC.encode(record);
    // The before image's only column: name "c", union branch 6 (string), length 2, "xy".
    int at = indexOf(bytes, new byte[] {2, 'c', 12, 4, 'x', 'y'}) + 3;
    bytes[at] = 3; // zig-zag -2

    assertThat(decodeOrNull(bytes)).isNull();
    assertThatThrownBy(() -> new RecordProbe().probe(bytes, SingleObjectCodec.HEADER_SIZE))
        .isInstanceOfSatisfying(
            DecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(DecodeException.Reason.MALFORMED))
        .hasMessageContaining("negative length -2");
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found: " + Arrays.toString(part));
  }

  @Test
  void shouldFlagADecimalWithoutUnscaledBytesWhereverItIs() {
    ChangeRecord record =
        ChangeRecord.newBuilder()
            .setDatabase("db")
            .setTable("t")
            .setOp(Op.DELETE)
            .setKey(Map.of("id", 1L))
            .setBefore(Map.of("total", new DecimalValue(ByteBuffer.allocate(0), 2)))
            .setLsn(1)
            .setTxIndex(0)
            .setTxLast(true)
            .setCommitTime(java.time.Instant.EPOCH)
            .build();
    RecordProbe probe = new RecordProbe();

    assertThat(probe.probe(CODEC.encode(record), SingleObjectCodec.HEADER_SIZE).emptyDecimal())
        .isTrue();
    record.setBefore(Map.of("total", new DecimalValue(ByteBuffer.wrap(new byte[] {0}), 2)));
    assertThat(probe.probe(CODEC.encode(record), SingleObjectCodec.HEADER_SIZE).emptyDecimal())
        .as("reset for the next record")
        .isFalse();
  }

  @Test
  void shouldSeeControlCharactersInColumnNamesIncludingC1() {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("id\u0085", 1L);
    ChangeRecord record =
        ChangeRecord.newBuilder()
            .setDatabase("db")
            .setTable("t")
            .setOp(Op.DELETE)
            .setKey(key)
            .setLsn(1)
            .setTxIndex(0)
            .setTxLast(true)
            .setCommitTime(java.time.Instant.EPOCH)
            .build();

    RecordProbe.Result probe =
        new RecordProbe().probe(CODEC.encode(record), SingleObjectCodec.HEADER_SIZE);

    assertThat(probe.columnsPlain()).isFalse();
  }

  @Test
  void shouldReportTruncationAndTrailingBytes() {
    ChangeRecord record = io.walstream.archive.testing.Records.transactions("db", 1, 1, 1).get(0);
    byte[] bytes = CODEC.encode(record);

    assertThatThrownBy(() -> new RecordProbe().probe(Arrays.copyOf(bytes, bytes.length - 2), 10))
        .isInstanceOfSatisfying(
            DecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(DecodeException.Reason.TRUNCATED));
    assertThatThrownBy(() -> new RecordProbe().probe(Arrays.copyOf(bytes, bytes.length + 1), 10))
        .isInstanceOfSatisfying(
            DecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(DecodeException.Reason.MALFORMED))
        .hasMessageContaining("trailing bytes");
  }
}
