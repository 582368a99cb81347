package io.walstream.restorer.plan;

import io.walstream.schemas.value.Values;
import java.time.Instant;

/**
 * The point a restore lands on, always a transaction boundary: a transaction is applied only once
 * its last record ({@code txLast}) has been read. Each variant answers for itself which
 * transactions it admits, which segments may hold them, whether it reaches past a point of the
 * archive, and whether it lies outside a window.
 */
public sealed interface RestoreTarget {
  /**
   * Whether a transaction at {@code lsn} committed at {@code commitMicros} is within the target.
   */
  boolean admits(long lsn, long commitMicros);

  /**
   * Whether a segment whose records start at {@code firstLsn} and were committed no earlier than
   * {@code minCommitMicros} may hold a transaction the target admits.
   */
  boolean mayHold(long firstLsn, long minCommitMicros);

  /**
   * Whether a restore to the target reads past the point after the record at {@code lsn} committed
   * at {@code commitMicros}. A restore stops at the first transaction beyond its target, so one
   * that stops at or before that record never reads past it.
   */
  boolean passes(long lsn, long commitMicros);

  /** Whether the target lies before the first transaction of {@code window}. */
  boolean before(RestoreWindow window);

  /** Whether the target lies after the last transaction of {@code window}. */
  boolean after(RestoreWindow window);

  /** The target in words, for messages and for recognising a resumed restore of the same. */
  String describe();

  /** Every complete transaction in the archive. */
  record Latest() implements RestoreTarget {
    @Override
    public boolean admits(long lsn, long commitMicros) {
      return true;
    }

    @Override
    public boolean mayHold(long firstLsn, long minCommitMicros) {
      return true;
    }

    @Override
    public boolean passes(long lsn, long commitMicros) {
      return true;
    }

    @Override
    public boolean before(RestoreWindow window) {
      return false;
    }

    @Override
    public boolean after(RestoreWindow window) {
      return false;
    }

    @Override
    public String describe() {
      return "the latest transaction";
    }
  }

  /** Every transaction with {@code lsn <= lsn}. */
  record AtLsn(long lsn) implements RestoreTarget {
    @Override
    public boolean admits(long lsn, long commitMicros) {
      return lsn <= this.lsn;
    }

    @Override
    public boolean mayHold(long firstLsn, long minCommitMicros) {
      return firstLsn <= lsn;
    }

    @Override
    public boolean passes(long lsn, long commitMicros) {
      // A transaction cut at that point is then incomplete and left out, never applied in part.
      return this.lsn > lsn;
    }

    @Override
    public boolean before(RestoreWindow window) {
      return lsn < window.earliestLsn();
    }

    @Override
    public boolean after(RestoreWindow window) {
      return lsn > window.latestLsn();
    }

    @Override
    public String describe() {
      return "lsn " + lsn;
    }
  }

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

    private long micros() {
      return Values.toMicros(time);
    }

    @Override
    public boolean admits(long lsn, long commitMicros) {
      return commitMicros <= micros();
    }

    @Override
    public boolean mayHold(long firstLsn, long minCommitMicros) {
      return minCommitMicros <= micros();
    }

    @Override
    public boolean passes(long lsn, long commitMicros) {
      return micros() >= commitMicros;
    }

    @Override
    public boolean before(RestoreWindow window) {
      return micros() < window.earliestCommitMicros();
    }

    @Override
    public boolean after(RestoreWindow window) {
      return micros() > window.latestCommitMicros();
    }

    @Override
    public String describe() {
      return Values.formatTimestamp(time);
    }
  }
}
