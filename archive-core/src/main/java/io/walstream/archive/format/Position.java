package io.walstream.archive.format;

import io.walstream.schemas.avro.ChangeRecord;
import java.util.Comparator;

/**
 * Where a record stands in its database's change history: its transaction's LSN, then its place in
 * the transaction. Records of a stream are archived, checked and applied in this order; a stream
 * never holds two records at one position.
 */
public record Position(long lsn, int txIndex) implements Comparable<Position> {
  /** Change records in position order. */
  public static final Comparator<ChangeRecord> RECORD_ORDER =
      Comparator.comparingLong(ChangeRecord::getLsn).thenComparingInt(ChangeRecord::getTxIndex);

  /** The position of {@code record}. */
  public static Position of(ChangeRecord record) {
    return new Position(record.getLsn(), record.getTxIndex());
  }

  /** Whether this position sorts strictly after {@code other}: the order of a stream. */
  public boolean isAfter(Position other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(Position other) {
    int byLsn = Long.compare(lsn, other.lsn);
    return byLsn != 0 ? byLsn : Integer.compare(txIndex, other.txIndex);
  }

  @Override
  public String toString() {
    return "(lsn " + lsn + ", txIndex " + txIndex + ")";
  }
}
