package io.walstream.restorer.plan;

import io.walstream.archive.layout.StreamId;
import io.walstream.schemas.value.Values;

/**
 * A recorded hole in a stream (a {@code GAP} manifest): source offsets that were never archived.
 * Where it falls in the database's history is known only from the stream's records before it: the
 * missing records come after the last of them in LSN order.
 *
 * @param stream the stream with the hole
 * @param seq the gap manifest's seq
 * @param key the gap manifest's key
 * @param firstMissingOffset first source offset not archived
 * @param lastMissingOffset last source offset not archived
 * @param afterLsn lsn of the stream's last record before the gap; null when it has none, so that
 *     the missing records could fall anywhere before the first record after it
 * @param afterCommitMicros the latest commit time of the stream's records before the gap; null when
 *     it has none
 */
public record Gap(
    StreamId stream,
    long seq,
    String key,
    long firstMissingOffset,
    long lastMissingOffset,
    Long afterLsn,
    Long afterCommitMicros) {

  /**
   * Whether a restore to {@code target} could need a record of the hole. A restore stops at the
   * first transaction beyond its target, so one that stops at or before the last record before the
   * gap never reaches the missing records: an LSN target crosses the gap when it is above {@code
   * afterLsn} (a transaction cut at the gap's edge is then incomplete and left out, never applied
   * in part), a time target when it is at or after {@code afterCommitMicros}; the latest target
   * always does.
   */
  public boolean crossedBy(RestoreTarget target) {
    if (afterLsn == null) {
      return true;
    }
    return target.passes(afterLsn, afterCommitMicros);
  }

  /** Where the gap falls, in words. */
  public String position() {
    return afterLsn == null
        ? "before the stream's first archived record"
        : "after lsn "
            + afterLsn
            + " (commit time "
            + Values.formatTimestamp(Values.fromMicros(afterCommitMicros))
            + ")";
  }

  @Override
  public String toString() {
    return "gap in "
        + stream
        + " at seq "
        + seq
        + " ("
        + key
        + "): source offsets "
        + firstMissingOffset
        + " to "
        + lastMissingOffset
        + " missing, "
        + position();
  }
}
