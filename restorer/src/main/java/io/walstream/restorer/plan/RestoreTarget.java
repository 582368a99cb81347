package io.walstream.restorer.plan;

import java.time.Instant;

/**
 * The point a restore lands on, always a transaction boundary: a transaction is applied only once
 * its last record ({@code txLast}) has been read.
 */
public sealed interface RestoreTarget {
  /** Every complete transaction in the archive. */
  record Latest() implements RestoreTarget {}

  /** Every transaction with {@code lsn <= lsn}. */
  record AtLsn(long lsn) implements RestoreTarget {}

  /**
   * Transactions in LSN order up to, not including, the first one committed after {@code time}: the
   * database as it was at that moment, even if commit times are not monotonic in LSN.
   */
  record AtTime(Instant time) implements RestoreTarget {
    public AtTime {
      if (time == null) {
        throw new IllegalArgumentException("Cannot restore to a time: none given");
      }
    }
  }

  /**
   * Whether a transaction at {@code lsn} committed at {@code commitMicros} is within the target.
   */
  default boolean admits(long lsn, long commitMicros) {
    if (this instanceof AtLsn at) {
      return lsn <= at.lsn();
    }
    if (this instanceof AtTime at) {
      return commitMicros <= io.walstream.schemas.value.Values.toMicros(at.time());
    }
    return true;
  }
}
