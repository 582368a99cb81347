package io.walstream.ingest.assemble;

import java.nio.ByteBuffer;

/**
 * What the assembler knows of one source transaction it has not released: how many distinct events
 * arrived and the highest total order among them, since when it waits, and, once its END arrived,
 * the END's place in commit order, its event count and its commit position; once its release began,
 * how far it got.
 *
 * @param sinceMs when its first event arrived; for a snapshot, when its latest new row did, since a
 *     snapshot may take hours and times out only when it stops making progress
 * @param commitTime the commit time the release gives every record, {@link #NONE} to keep each
 *     record's own (a snapshot's rows carry the times they were read and take the first one's)
 * @param releasedUpTo the total order up to which the release has gone (0: not begun); a large
 *     transaction is released in chunks, so that no Kafka transaction has to hold all of it
 */
record PendingState(
    long received,
    long maxOrder,
    long sinceMs,
    long endSeq,
    long eventCount,
    long commitLsn,
    long commitTime,
    long releasedUpTo) {
  static final long NONE = -1;

  static PendingState first(long nowMs) {
    return new PendingState(0, 0, nowMs, NONE, NONE, NONE, NONE, 0);
  }

  boolean ended() {
    return endSeq != NONE;
  }

  boolean complete() {
    return ended() && received == eventCount;
  }

  /** Whether the events received are numbered 1..count: distinct, as many, none beyond. */
  boolean numberedRight() {
    return maxOrder <= eventCount;
  }

  PendingState plusOne(long totalOrder) {
    return new PendingState(
        received + 1,
        Math.max(maxOrder, totalOrder),
        sinceMs,
        endSeq,
        eventCount,
        commitLsn,
        commitTime,
        releasedUpTo);
  }

  PendingState since(long nowMs) {
    return new PendingState(
        received, maxOrder, nowMs, endSeq, eventCount, commitLsn, commitTime, releasedUpTo);
  }

  PendingState withEnd(long seq, StagedEvent.End end) {
    return new PendingState(
        received, maxOrder, sinceMs, seq, end.eventCount(), end.commitLsn(), NONE, releasedUpTo);
  }

  PendingState releasing(long upTo, long time) {
    return new PendingState(received, maxOrder, sinceMs, endSeq, eventCount, commitLsn, time, upTo);
  }

  byte[] encode() {
    return ByteBuffer.allocate(64)
        .putLong(received)
        .putLong(maxOrder)
        .putLong(sinceMs)
        .putLong(endSeq)
        .putLong(eventCount)
        .putLong(commitLsn)
        .putLong(commitTime)
        .putLong(releasedUpTo)
        .array();
  }

  static PendingState decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new PendingState(
        b.getLong(),
        b.getLong(),
        b.getLong(),
        b.getLong(),
        b.getLong(),
        b.getLong(),
        b.getLong(),
        b.getLong());
  }
}
