package io.walstream.archive.format;

import io.walstream.archive.layout.StreamId;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.value.Values;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes one segment: an Avro Object Container File of change records, zstd-compressed, with the
 * format version and stream identity in its metadata, streaming (memory bounded by the block size)
 * and hashing every byte once as it is written.
 *
 * <p>The container's sync marker is derived from the stream and seq rather than random, so the same
 * records always encode to the same bytes: two writers racing on the same batch produce the same
 * content-addressed segment key.
 */
public final class SegmentWriter implements Closeable {
  private final DataFileWriter<ChangeRecord> writer;
  private final MessageDigest digest = Sha256.newDigest();
  private final CountingOutputStream counter;
  private long count;
  private Long firstLsn;
  private Integer firstTxIndex;
  private long lastLsn;
  private int lastTxIndex;
  private long minCommit = Long.MAX_VALUE;
  private long maxCommit = Long.MIN_VALUE;
  private boolean finished;

  private SegmentWriter(OutputStream out, StreamId stream, long seq) throws IOException {
    this.counter = new CountingOutputStream(new DigestOutputStream(out, digest));
    this.writer = new DataFileWriter<>(new SpecificDatumWriter<>(ChangeRecord.class));
    writer.setCodec(CodecFactory.zstandardCodec(SegmentFormat.ZSTD_LEVEL, false));
    writer.setSyncInterval(SegmentFormat.BLOCK_SIZE);
    writer.setMeta(SegmentFormat.META_FORMAT_VERSION, Integer.toString(SegmentFormat.VERSION));
    writer.setMeta(SegmentFormat.META_DATABASE, stream.database());
    writer.setMeta(SegmentFormat.META_TOPIC, stream.topic());
    writer.setMeta(SegmentFormat.META_PARTITION, Integer.toString(stream.partition()));
    writer.setMeta(SegmentFormat.META_SEQ, Long.toString(seq));
    writer.create(ChangeRecord.getClassSchema(), counter, syncMarker(stream, seq));
  }

  /** Starts a segment of {@code stream} at {@code seq}, written to {@code out}. */
  public static SegmentWriter open(OutputStream out, StreamId stream, long seq) {
    try {
      return new SegmentWriter(out, stream, seq);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start segment " + seq + " of " + stream, e);
    }
  }

  /** Encodes {@code records} into one segment held in memory. */
  public static EncodedSegment encode(StreamId stream, long seq, List<ChangeRecord> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try (SegmentWriter writer = open(out, stream, seq)) {
      for (ChangeRecord record : records) {
        writer.append(record);
      }
      SegmentSummary summary = writer.finish();
      return new EncodedSegment(out.toByteArray(), summary);
    }
  }

  /**
   * Appends a record; records must be in strictly increasing (lsn, txIndex) order.
   *
   * @throws IllegalArgumentException when the order would break
   */
  public void append(ChangeRecord record) {
    if (count > 0 && !after(record, lastLsn, lastTxIndex)) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot append record (lsn %d, txIndex %d) to segment: not after (lsn %d, txIndex %d)",
              record.getLsn(), record.getTxIndex(), lastLsn, lastTxIndex));
    }
    try {
      writer.append(record);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append record to segment", e);
    }
    if (count == 0) {
      firstLsn = record.getLsn();
      firstTxIndex = record.getTxIndex();
    }
    count++;
    lastLsn = record.getLsn();
    lastTxIndex = record.getTxIndex();
    long commit = Values.toMicros(record.getCommitTime());
    minCommit = Math.min(minCommit, commit);
    maxCommit = Math.max(maxCommit, commit);
  }

  /** Whether {@code record} sorts strictly after (lsn, txIndex). */
  public static boolean after(ChangeRecord record, long lsn, int txIndex) {
    return record.getLsn() > lsn || (record.getLsn() == lsn && record.getTxIndex() > txIndex);
  }

  /** Flushes and closes the container and returns what was written. */
  public SegmentSummary finish() {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot finish segment", e);
    }
    finished = true;
    boolean empty = count == 0;
    return new SegmentSummary(
        counter.count(),
        Sha256.hex(digest),
        count,
        firstLsn,
        firstTxIndex,
        empty ? null : lastLsn,
        empty ? null : lastTxIndex,
        empty ? null : minCommit,
        empty ? null : maxCommit,
        List.of(SegmentFormat.RECORD_SCHEMA_FINGERPRINT));
  }

  @Override
  public void close() {
    if (!finished) {
      try {
        writer.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot close segment", e);
      }
    }
  }

  private static byte[] syncMarker(StreamId stream, long seq) {
    byte[] seed =
        ("walstream-sync/"
                + stream.database()
                + "/"
                + stream.topic()
                + "/"
                + stream.partition()
                + "/"
                + seq)
            .getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(Sha256.newDigest().digest(seed), 16);
  }

  private static final class CountingOutputStream extends FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
