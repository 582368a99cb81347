package io.walstream.archive.read;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.StreamId;

/**
 * The committed end of a stream's chain, as loaded from the archive (the source of truth).
 *
 * @param stream the stream
 * @param seq seq of the last manifest, -1 when the stream has none
 * @param lastSourceOffset source offset of the last archived record, -1 when none
 * @param handledThroughOffset every source-partition offset up to this one was handled at the last
 *     cut, -1 when none
 * @param lastLsn lsn of the last archived record, null when none
 * @param lastTxIndex txIndex of the last archived record, null when none
 * @param manifestSha256 SHA-256 of the last manifest's bytes (the next manifest's link), null when
 *     none
 * @param writerId the writer of the last manifest, null when none
 */
public record StreamHead(
    StreamId stream,
    long seq,
    long lastSourceOffset,
    long handledThroughOffset,
    Long lastLsn,
    Integer lastTxIndex,
    String manifestSha256,
    String writerId) {

  public StreamHead {
    if (stream == null) {
      throw new IllegalArgumentException("Cannot build stream head: no stream");
    }
    if (seq < -1) {
      throw new IllegalArgumentException("Cannot build head of " + stream + ": seq " + seq);
    }
    if ((seq == -1) != (manifestSha256 == null)) {
      throw new IllegalArgumentException(
          "Cannot build head of " + stream + ": manifest hash must be null exactly when empty");
    }
  }

  /** The head of a stream with no manifest yet. */
  public static StreamHead empty(StreamId stream) {
    return new StreamHead(stream, -1, -1, -1, null, null, null, null);
  }

  /** The head after {@code manifest}, whose stored bytes hash to {@code manifestSha256}. */
  public static StreamHead after(Manifest manifest, String manifestSha256, StreamHead previous) {
    if (manifest instanceof Manifest.Segment s) {
      return new StreamHead(
          s.stream(),
          s.seq(),
          s.offsets().last(),
          s.offsets().handledThrough(),
          s.last().lsn(),
          s.last().txIndex(),
          manifestSha256,
          s.writerId());
    }
    // A gap holds no records: the last record and its offset are still the previous ones.
    return new StreamHead(
        manifest.stream(),
        manifest.seq(),
        previous.lastSourceOffset(),
        manifest.offsets().handledThrough(),
        previous.lastLsn(),
        previous.lastTxIndex(),
        manifestSha256,
        manifest.writerId());
  }

  public boolean isEmpty() {
    return seq == -1;
  }

  /** The seq the next manifest must claim. */
  public long nextSeq() {
    return seq + 1;
  }

  /** The position of the last archived record; null when the stream has none. */
  public io.walstream.archive.format.Position lastPosition() {
    return lastLsn == null ? null : new io.walstream.archive.format.Position(lastLsn, lastTxIndex);
  }
}
