package io.walstream.archiver.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.format.EncodedRecord;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.testing.ChangeRecordArbitraries;
import io.walstream.schemas.testing.ChangeRecordArbitraries.Profile;
import io.walstream.schemas.value.Values;
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

    assertThat(probe.database).isEqualTo(record.getDatabase());
    assertThat(probe.table).isEqualTo(record.getTable());
    assertThat(RecordProbe.opName(probe)).isEqualTo(record.getOp().name());
    assertThat(probe.keyColumns).isEqualTo(record.getKey().size());
    assertThat(probe.hasAfter).isEqualTo(record.getAfter() != null);
    boolean columnsPlain =
        record.getKey().keySet().stream().allMatch(RecordProbeTest::plain)
            && (record.getAfter() == null
                || record.getAfter().keySet().stream().allMatch(RecordProbeTest::plain));
    assertThat(probe.columnsPlain).isEqualTo(columnsPlain);
    assertThat(probe.lsn).isEqualTo(record.getLsn());
    assertThat(probe.txIndex).isEqualTo(record.getTxIndex());
    assertThat(probe.txLast).isEqualTo(record.getTxLast());
    assertThat(probe.commitTimeMicros).isEqualTo(Values.toMicros(record.getCommitTime()));
    byte[] body = Arrays.copyOfRange(bytes, SingleObjectCodec.HEADER_SIZE, bytes.length);
    assertThat(
            new EncodedRecord(
                    body, 0, body.length, probe.lsn, probe.txIndex, probe.commitTimeMicros)
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
      assertThat(probe.database).isNotNull();
    } catch (DecodeException expected) {
      assertThat(expected.getMessage()).startsWith("Cannot decode ChangeRecord: ");
    }
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

    assertThat(probe.columnsPlain).isFalse();
  }

  @Test
  void shouldReportTruncationAndTrailingBytes() {
    ChangeRecord record =
        io.walstream.archiver.testing.ChangeRecords.insert("db", "t", 1, 1, 0, true);
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
