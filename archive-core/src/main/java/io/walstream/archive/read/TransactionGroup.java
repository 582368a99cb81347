package io.walstream.archive.read;

import io.walstream.schemas.avro.ChangeRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The records read so far of one lsn, in the merged (lsn, txIndex) order of a database's streams,
 * and whether they form a complete transaction (docs/FORMAT.md §5.1): txIndex 0, 1, 2, … without a
 * hole, ending with the txLast record. Restores apply a group once it is complete; restores and
 * {@code verify} report a group that ends otherwise as an incomplete transaction.
 */
public final class TransactionGroup {
  private final List<ChangeRecord> records = new ArrayList<>();
  private long lsn;
  private boolean complete;
  private boolean broken;
  private String flaw = "no txLast record";
  // After a transaction is complete, further records of its lsn form a group of their own.
  private Long completedLsn;

  public boolean isEmpty() {
    return records.isEmpty();
  }

  /** The group's lsn; meaningful only when it is not empty. */
  public long lsn() {
    return lsn;
  }

  public int size() {
    return records.size();
  }

  /** Why the group is not complete, in words. */
  public String flaw() {
    return flaw;
  }

  /** A copy of the records, in order. */
  public List<ChangeRecord> records() {
    return List.copyOf(records);
  }

  /** Whether the records form a complete transaction. */
  public boolean complete() {
    return complete;
  }

  /** Adds the next record in merged order; it must have the group's lsn when it is not empty. */
  public void add(ChangeRecord record) {
    if (records.isEmpty()) {
      lsn = record.getLsn();
      if (completedLsn != null && completedLsn == lsn) {
        broken = true;
        flaw = "records after its transaction's txLast";
      }
    } else if (record.getLsn() != lsn) {
      throw new IllegalArgumentException(
          "Cannot add lsn " + record.getLsn() + " to the group of lsn " + lsn);
    }
    int expected = records.size();
    if (!broken && record.getTxIndex() != expected) {
      broken = true;
      flaw =
          expected == 0
              ? "txIndex starts at " + record.getTxIndex()
              : "txIndex " + record.getTxIndex() + " follows " + (expected - 1);
    }
    records.add(record);
    complete = !broken && record.getTxLast();
  }

  /** Ends a complete group: the next record starts a new one. */
  public void completed() {
    completedLsn = lsn;
    clear();
  }

  /** Drops the group (an incomplete transaction, once reported). */
  public void clear() {
    records.clear();
    complete = false;
    broken = false;
    flaw = "no txLast record";
  }
}
