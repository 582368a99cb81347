package io.walstream.archive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.layout.StreamId;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.testing.ChangeRecordArbitraries;
import io.walstream.schemas.testing.ChangeRecordArbitraries.Profile;
import io.walstream.schemas.value.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFormatTest {
  static final StreamId STREAM = new StreamId("shop", "walstream.changes", 0);

  /** Records of random content with strictly increasing (lsn, txIndex), as a stream has them. */
  static List<ChangeRecord> ordered(List<ChangeRecord> records) {
    List<ChangeRecord> out = new ArrayList<>();
    long lsn = 100;
    int txIndex = 0;
    for (ChangeRecord record : records) {
      ChangeRecord copy = ChangeRecord.newBuilder(record).setLsn(lsn).setTxIndex(txIndex).build();
      out.add(copy);
      if (record.getTxLast()) {
        lsn += 1 + Math.floorMod(record.getLsn(), 5);
        txIndex = 0;
      } else {
        txIndex++;
      }
    }
    return out;
  }

  @Property(tries = 60)
  void shouldReadBackEqualRecordsWhenSegmentIsWritten(@ForAll("batches") List<ChangeRecord> batch) {
    List<ChangeRecord> records = ordered(batch);

    EncodedSegment segment = SegmentWriter.encode(STREAM, 7, records);

    assertThat(segment.summary().recordCount()).isEqualTo(records.size());
    assertThat(segment.summary().byteSize()).isEqualTo(segment.bytes().length);
    assertThat(segment.summary().sha256()).isEqualTo(Sha256.hex(segment.bytes()));
    assertThat(segment.summary().firstLsn()).isEqualTo(records.get(0).getLsn());
    assertThat(segment.summary().lastLsn()).isEqualTo(records.get(records.size() - 1).getLsn());
    assertThat(segment.summary().minCommitTimeMicros())
        .isEqualTo(
            records.stream()
                .map(r -> Values.toMicros(r.getCommitTime()))
                .min(Comparator.naturalOrder())
                .orElseThrow());
    assertThat(readAll(segment.bytes())).containsExactlyElementsOf(records);
  }

  @Property(tries = 60)
  void shouldWriteTheSameBytesFromBodiesAsFromRecords(@ForAll("batches") List<ChangeRecord> batch) {
    List<ChangeRecord> records = ordered(batch);
    // Bodies inside one shared array, at offsets, as the archiver holds them.
    ByteArrayOutputStream slab = new ByteArrayOutputStream();
    slab.write(7);
    List<int[]> spans = new ArrayList<>();
    for (ChangeRecord record : records) {
      EncodedRecord alone = EncodedRecord.of(record);
      spans.add(new int[] {slab.size(), alone.bodyLength()});
      slab.write(alone.bytes(), alone.bodyOffset(), alone.bodyLength());
    }
    byte[] shared = slab.toByteArray();
    List<EncodedRecord> bodies = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      ChangeRecord r = records.get(i);
      bodies.add(
          new EncodedRecord(
              shared,
              spans.get(i)[0],
              spans.get(i)[1],
              r.getLsn(),
              r.getTxIndex(),
              Values.toMicros(r.getCommitTime())));
    }

    EncodedSegment fromBodies = SegmentWriter.encodeBodies(STREAM, 7, bodies);

    EncodedSegment fromRecords = SegmentWriter.encode(STREAM, 7, records);
    assertThat(fromBodies.bytes()).isEqualTo(fromRecords.bytes());
    assertThat(fromBodies.summary()).isEqualTo(fromRecords.summary());
  }

  @Test
  void shouldReadBackTheSameRecordsAtEveryAcceptedLevel() {
    List<ChangeRecord> records = sample(200);
    List<EncodedRecord> bodies = records.stream().map(EncodedRecord::of).toList();

    for (int level : new int[] {SegmentFormat.MIN_ZSTD_LEVEL, 1, 3, SegmentFormat.MAX_ZSTD_LEVEL}) {
      EncodedSegment segment = SegmentWriter.encodeBodies(STREAM, 7, bodies, level);

      assertThat(readAll(segment.bytes())).as("level %d", level).isEqualTo(records);
    }
    assertThat(SegmentWriter.encodeBodies(STREAM, 7, bodies, SegmentFormat.MIN_ZSTD_LEVEL).bytes())
        .as("the fastest level stores more than the strongest")
        .hasSizeGreaterThan(
            SegmentWriter.encodeBodies(STREAM, 7, bodies, SegmentFormat.MAX_ZSTD_LEVEL)
                .bytes()
                .length);
  }

  @Test
  void shouldRefuseALevelOutsideTheAcceptedRange() {
    List<EncodedRecord> bodies = List.of(EncodedRecord.of(sample(1).get(0)));

    assertThatThrownBy(() -> SegmentWriter.encodeBodies(STREAM, 0, bodies, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write segment at zstd level 20: not in -7..19");
    assertThatThrownBy(() -> SegmentWriter.encodeBodies(STREAM, 0, bodies, -8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zstd level -8");
  }

  @Test
  void shouldRefuseBodiesOutOfOrder() {
    List<ChangeRecord> records = sample(3);
    List<EncodedRecord> reversed =
        List.of(EncodedRecord.of(records.get(1)), EncodedRecord.of(records.get(0)));

    assertThatThrownBy(() -> SegmentWriter.encodeBodies(STREAM, 0, reversed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(lsn 1000, txIndex 0)")
        .hasMessageContaining("not after (lsn 1000, txIndex 1)");
  }

  @Provide
  Arbitrary<List<ChangeRecord>> batches() {
    return ChangeRecordArbitraries.records(Profile.AVRO).list().ofMinSize(1).ofMaxSize(40);
  }

  static List<ChangeRecord> readAll(byte[] bytes) {
    List<ChangeRecord> read = new ArrayList<>();
    try (SegmentReader reader = SegmentReader.open(bytes, "test.seg")) {
      reader.forEachRemaining(read::add);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return read;
  }

  static List<ChangeRecord> sample(int count) {
    List<ChangeRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(
          ChangeRecord.newBuilder()
              .setDatabase("shop")
              .setTable(i % 2 == 0 ? "orders" : "customers")
              .setOp(io.walstream.schemas.avro.Op.INSERT)
              .setKey(Map.of("id", (long) i))
              .setAfter(Map.of("id", (long) i, "name", "row " + i))
              .setLsn(1000 + i / 3)
              .setTxIndex(i % 3)
              .setTxLast(i % 3 == 2)
              .setCommitTime(java.time.Instant.parse("2026-11-21T10:00:00Z").plusSeconds(i / 3))
              .build());
    }
    return records;
  }

  @Test
  void shouldBeReadableByStockAvroToolingWhenNotEncrypted(@TempDir Path dir) throws IOException {
    EncodedSegment segment = SegmentWriter.encode(STREAM, 3, sample(50));
    Path file = dir.resolve("s.avro");
    Files.write(file, segment.bytes());

    List<GenericRecord> generic = new ArrayList<>();
    try (DataFileReader<GenericRecord> reader =
        new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
      assertThat(reader.getMetaString("avro.codec")).isEqualTo("zstandard");
      assertThat(reader.getMetaString("walstream.format.version")).isEqualTo("1");
      assertThat(reader.getMetaString("walstream.seq")).isEqualTo("3");
      reader.forEach(generic::add);
    }
    assertThat(generic).hasSize(50);
    assertThat(generic.get(49).get("lsn")).isEqualTo(1016L);
  }

  @Test
  void shouldEncodeTheSameRecordsToTheSameBytes() {
    byte[] first = SegmentWriter.encode(STREAM, 3, sample(20)).bytes();
    byte[] second = SegmentWriter.encode(STREAM, 3, sample(20)).bytes();
    byte[] otherSeq = SegmentWriter.encode(STREAM, 4, sample(20)).bytes();

    assertThat(first).isEqualTo(second);
    assertThat(first).isNotEqualTo(otherSeq);
  }

  @Test
  void shouldRefuseRecordsOutOfOrderWhenWriting() {
    List<ChangeRecord> records = sample(3);
    List<ChangeRecord> reversed = List.of(records.get(1), records.get(0));

    assertThatThrownBy(() -> SegmentWriter.encode(STREAM, 0, reversed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not after (lsn 1000, txIndex 1)");
  }

  @Test
  void shouldRefuseSegmentsWithoutFormatVersion() throws IOException {
    byte[] bytes = foreignContainer(Map.of(), CodecFactory.zstandardCodec(3));

    assertThatThrownBy(() -> SegmentReader.open(bytes, "x.seg"))
        .isInstanceOf(UnknownFormatException.class)
        .hasMessage("Cannot read segment x.seg: no walstream.format.version");
  }

  @Test
  void shouldRefuseSegmentsOfAnUnknownFormatVersion() throws IOException {
    byte[] bytes =
        foreignContainer(Map.of("walstream.format.version", "2"), CodecFactory.zstandardCodec(3));

    assertThatThrownBy(() -> SegmentReader.open(bytes, "x.seg"))
        .isInstanceOf(UnknownFormatException.class)
        .hasMessage("Cannot read segment x.seg: unknown format version 2");
  }

  @Test
  void shouldRefuseSegmentsWithAnotherCodec() throws IOException {
    byte[] bytes =
        foreignContainer(Map.of("walstream.format.version", "1"), CodecFactory.nullCodec());

    assertThatThrownBy(() -> SegmentReader.open(bytes, "x.seg"))
        .isInstanceOf(UnknownFormatException.class)
        .hasMessageContaining("unexpected codec null");
  }

  @Test
  void shouldRefuseEncryptedSegmentsRatherThanGuess() throws IOException {
    byte[] bytes =
        foreignContainer(
            Map.of(
                "walstream.format.version",
                "1",
                "walstream.encryption",
                "tink-aes256-gcm-hkdf-1mb"),
            CodecFactory.zstandardCodec(3));

    assertThatThrownBy(() -> SegmentReader.open(bytes, "x.seg"))
        .isInstanceOf(UnknownFormatException.class)
        .hasMessageContaining("encrypted with tink-aes256-gcm-hkdf-1mb");
  }

  @Test
  void shouldReportIntegrityErrorsWhenBytesAreCorrupt() {
    byte[] bytes = SegmentWriter.encode(STREAM, 0, sample(200)).bytes();
    byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);
    byte[] flipped = bytes.clone();
    flipped[bytes.length - 40] ^= 0x5A;

    assertThatThrownBy(() -> readAll(truncated))
        .isInstanceOf(IntegrityException.class)
        .hasMessageStartingWith("Cannot read segment test.seg: ");
    assertThatThrownBy(() -> readAll(flipped)).isInstanceOf(IntegrityException.class);
    assertThatThrownBy(() -> readAll(new byte[] {1, 2, 3}))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("bad header");
  }

  private static byte[] foreignContainer(Map<String, String> meta, CodecFactory codec)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<ChangeRecord> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(ChangeRecord.class))) {
      writer.setCodec(codec);
      meta.forEach(writer::setMeta);
      writer.create(ChangeRecord.getClassSchema(), out);
      for (ChangeRecord record : sample(3)) {
        writer.append(record);
      }
    }
    return out.toByteArray();
  }
}
