package io.walstream.ingest.assemble;

import java.nio.ByteBuffer;

/**
 * What the assembler knows of one source transaction it has not released: how many distinct events
 * arrived, since when, and, once its END arrived, the END's place in commit order, its event count
 * and its commit position.
 */
record PendingState(
    long received,
    long firstSeenMs,
    long endSeq,
    long eventCount,
    long commitLsn,
    long commitTime) {
  static final long NONE = -1;

  static PendingState first(long nowMs) {
    return new PendingState(0, nowMs, NONE, NONE, NONE, NONE);
  }

  boolean ended() {
    return endSeq != NONE;
  }

  boolean complete() {
    return ended() && received == eventCount;
  }

  PendingState plusOne() {
    return new PendingState(received + 1, firstSeenMs, endSeq, eventCount, commitLsn, commitTime);
  }

  PendingState withEnd(long seq, StagedEvent.End end) {
    return new PendingState(
        received, firstSeenMs, seq, end.eventCount(), end.commitLsn(), end.commitTimeMicros());
  }

  byte[] encode() {
    return ByteBuffer.allocate(48)
        .putLong(received)
        .putLong(firstSeenMs)
        .putLong(endSeq)
        .putLong(eventCount)
        .putLong(commitLsn)
        .putLong(commitTime)
        .array();
  }

  static PendingState decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new PendingState(
        b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
  }
}
