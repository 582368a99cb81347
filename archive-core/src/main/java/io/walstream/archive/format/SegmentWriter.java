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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

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
  private static final int CHUNK_SIZE = 64 * 1024;
  private static final int MAX_CHUNKS_IN_FLIGHT = 8;
  private static final ExecutorService ENCODERS =
      Executors.newFixedThreadPool(
          Math.max(1, Runtime.getRuntime().availableProcessors()),
          runnable -> {
            Thread thread = new Thread(runnable, "walstream-segment-encoder");
            thread.setDaemon(true);
            return thread;
          });

  private final DataFileWriter<ChangeRecord> writer;
  private final ChangeRecordDatumWriter datumWriter = new ChangeRecordDatumWriter();
  private final ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
  private Chunk chunk = new Chunk();
  private BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(chunk, null);
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

  private SegmentWriter(OutputStream out, StreamId stream, long seq, int zstdLevel)
      throws IOException {
    this.counter = new CountingOutputStream(new DigestOutputStream(out, digest));
    this.writer = new DataFileWriter<>(new ChangeRecordDatumWriter());
    writer.setCodec(ZstdBlockCodec.factory(zstdLevel));
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
    return open(out, stream, seq, SegmentFormat.ZSTD_LEVEL);
  }

  private static SegmentWriter open(OutputStream out, StreamId stream, long seq, int zstdLevel) {
    try {
      return new SegmentWriter(out, stream, seq, zstdLevel);
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
    if (count > 0 && !Position.of(record).isAfter(new Position(lastLsn, lastTxIndex))) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot append record (lsn %d, txIndex %d) to segment: not after (lsn %d, txIndex %d)",
              record.getLsn(), record.getTxIndex(), lastLsn, lastTxIndex));
    }
    try {
      datumWriter.write(record, encoder);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append record to segment", e);
    }
    chunk.endRecord();
    track(record.getLsn(), record.getTxIndex(), Values.toMicros(record.getCommitTime()));
    if (chunk.size() >= CHUNK_SIZE) {
      handOff();
    }
  }

  /**
   * Encodes records already held as Avro bodies into one segment held in memory, compressing on the
   * calling thread: with nothing to serialize, handing blocks to another thread would only add the
   * hand-off (the archiver calls this off its stream threads, one cut per partition).
   */
  public static EncodedSegment encodeBodies(
      StreamId stream, long seq, List<EncodedRecord> records) {
    return encodeBodies(stream, seq, records, SegmentFormat.ZSTD_LEVEL);
  }

  /**
   * As {@link #encodeBodies(StreamId, long, List)}, compressing at {@code zstdLevel}.
   *
   * @throws IllegalArgumentException when the level is outside {@link
   *     SegmentFormat#MIN_ZSTD_LEVEL}..{@link SegmentFormat#MAX_ZSTD_LEVEL}
   */
  public static EncodedSegment encodeBodies(
      StreamId stream, long seq, List<EncodedRecord> records, int zstdLevel) {
    requireLevel(zstdLevel);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try (SegmentWriter writer = open(out, stream, seq, zstdLevel)) {
      for (EncodedRecord record : records) {
        writer.appendEncoded(record);
      }
      SegmentSummary summary = writer.finish();
      return new EncodedSegment(out.toByteArray(), summary);
    }
  }

  /** Rejects a zstd level writers do not accept. */
  public static int requireLevel(int zstdLevel) {
    if (zstdLevel < SegmentFormat.MIN_ZSTD_LEVEL || zstdLevel > SegmentFormat.MAX_ZSTD_LEVEL) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot write segment at zstd level %d: not in %d..%d",
              zstdLevel, SegmentFormat.MIN_ZSTD_LEVEL, SegmentFormat.MAX_ZSTD_LEVEL));
    }
    return zstdLevel;
  }

  private void appendEncoded(EncodedRecord record) {
    requireAfter(record);
    try {
      writer.appendEncoded(
          ByteBuffer.wrap(record.bytes(), record.bodyOffset(), record.bodyLength()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write segment block", e);
    }
    track(record.lsn(), record.txIndex(), record.commitTimeMicros());
  }

  private void requireAfter(EncodedRecord record) {
    if (count > 0 && !record.position().isAfter(new Position(lastLsn, lastTxIndex))) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot append record (lsn %d, txIndex %d) to segment: not after (lsn %d, txIndex %d)",
              record.lsn(), record.txIndex(), lastLsn, lastTxIndex));
    }
  }

  private void track(long lsn, int txIndex, long commitMicros) {
    if (count == 0) {
      firstLsn = lsn;
      firstTxIndex = txIndex;
    }
    count++;
    lastLsn = lsn;
    lastTxIndex = txIndex;
    minCommit = Math.min(minCommit, commitMicros);
    maxCommit = Math.max(maxCommit, commitMicros);
  }

  /** Queues the current chunk for the background thread, waiting when too many are queued. */
  private void handOff() {
    Chunk full = chunk;
    chunk = new Chunk();
    encoder = EncoderFactory.get().directBinaryEncoder(chunk, encoder);
    tail = tail.thenRunAsync(() -> full.appendTo(writer), ENCODERS);
    inFlight.add(tail);
    while (inFlight.size() > MAX_CHUNKS_IN_FLIGHT) {
      await(inFlight.poll());
    }
  }

  private static void await(CompletableFuture<Void> future) {
    try {
      future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Flushes and closes the container and returns what was written. */
  public SegmentSummary finish() {
    if (chunk.records() > 0) {
      handOff();
    }
    await(tail);
    inFlight.clear();
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
      finished = true;
      try {
        // Let queued chunks finish before closing under them; their failure is moot here.
        tail.handle((ok, failure) -> null).join();
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

  /** Serialized records waiting to be appended: one buffer and the end offset of each record. */
  private static final class Chunk extends ByteArrayOutputStream {
    private int[] ends = new int[256];
    private int records;

    Chunk() {
      super(CHUNK_SIZE + 4096);
    }

    void endRecord() {
      if (records == ends.length) {
        ends = Arrays.copyOf(ends, records * 2);
      }
      ends[records++] = count;
    }

    int records() {
      return records;
    }

    void appendTo(DataFileWriter<ChangeRecord> writer) {
      int start = 0;
      try {
        for (int i = 0; i < records; i++) {
          writer.appendEncoded(ByteBuffer.wrap(buf, start, ends[i] - start));
          start = ends[i];
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write segment block", e);
      }
    }
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
