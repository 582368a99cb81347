package io.walstream.restorer.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * Incomplete transactions left out of a restore.
 *
 * @param transactions how many
 * @param records their records
 * @param lsns their lsns in order, the first {@link #LISTED} of them
 */
public record Incomplete(long transactions, long records, List<Long> lsns) {
  /** How many lsns are listed at most. */
  public static final int LISTED = 100;

  public static final Incomplete NONE = new Incomplete(0, 0, List.of());

  public Incomplete {
    lsns = List.copyOf(lsns);
  }

  /** These plus one more transaction of {@code size} records at {@code lsn}. */
  Incomplete plus(long lsn, int size) {
    List<Long> more = new ArrayList<>(lsns);
    if (more.size() < LISTED) {
      more.add(lsn);
    }
    return new Incomplete(transactions + 1, records + size, more);
  }
}
