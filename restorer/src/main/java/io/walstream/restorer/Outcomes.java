package io.walstream.restorer;

import io.walstream.archive.format.Snapshot;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.restorer.apply.TransactionMerger;
import io.walstream.restorer.plan.Gap;
import io.walstream.restorer.plan.RestorePlan;
import java.util.ArrayList;
import java.util.List;

/**
 * What a restore left out or crossed, in words: the same sentences for the CLI and the service's
 * status, so that no caller can forget one.
 */
public final class Outcomes {
  private Outcomes() {}

  /** One sentence per thing left out or crossed, in a stable order; empty when none. */
  public static List<String> notes(TransactionMerger.Outcome outcome, RestorePlan plan) {
    List<String> notes = new ArrayList<>();
    for (Gap gap : plan.gapsCrossed()) {
      notes.add("Crossed a " + gap + " (accepted): the records there are not in the result.");
    }
    io.walstream.restorer.apply.Incomplete incomplete = outcome.incomplete();
    if (incomplete.transactions() > 0) {
      notes.add(
          "Left out "
              + incomplete.transactions()
              + " incomplete "
              + (incomplete.transactions() == 1 ? "transaction" : "transactions")
              + " ("
              + incomplete.records()
              + " records; no txLast, or a txIndex that skips or does not start at 0) at lsn "
              + incomplete.lsns()
              + (incomplete.transactions() > incomplete.lsns().size() ? " …" : "")
              + ".");
    }
    if (outcome.pendingRecords() > 0) {
      notes.add(
          "Stopped before lsn "
              + outcome.pendingLsn()
              + ": its transaction is not complete in the archive yet ("
              + outcome.pendingRecords()
              + " records archived so far; a stream has not moved past it).");
    }
    return notes;
  }

  /**
   * The outcome of a restore that started from {@code base} (null: from seq 0): what the merge
   * after the snapshot did, with the snapshot's last transaction as the point reached when nothing
   * came after it, and the snapshot's incomplete transactions counted in.
   *
   * @param resumedAfter the lsn the sink had reached when resumed, null when not resumed
   */
  public static TransactionMerger.Outcome afterSnapshot(
      TransactionMerger.Outcome merged, StoredSnapshot base, Long resumedAfter) {
    if (base == null) {
      return merged;
    }
    Snapshot s = base.snapshot();
    Snapshot.Incomplete before = s.incomplete();
    io.walstream.restorer.apply.Incomplete after = merged.incomplete();
    List<Long> lsns = new ArrayList<>(before.lsns());
    lsns.addAll(after.lsns());
    io.walstream.restorer.apply.Incomplete incomplete =
        new io.walstream.restorer.apply.Incomplete(
            before.transactions() + after.transactions(),
            before.records() + after.records(),
            lsns.subList(0, Math.min(lsns.size(), io.walstream.restorer.apply.Incomplete.LISTED)));
    return new TransactionMerger.Outcome(
        merged.transactions(),
        merged.records(),
        merged.lastLsn() != null ? merged.lastLsn() : Long.valueOf(s.lsn()),
        merged.lastCommitMicros() != null
            ? merged.lastCommitMicros()
            : Long.valueOf(s.commitTime()),
        merged.pendingRecords(),
        merged.pendingLsn(),
        incomplete,
        resumedAfter);
  }

  /** The notes as one message, or null when there are none. */
  public static String leftOut(TransactionMerger.Outcome outcome, RestorePlan plan) {
    List<String> notes = notes(outcome, plan);
    return notes.isEmpty() ? null : String.join(" ", notes);
  }
}
