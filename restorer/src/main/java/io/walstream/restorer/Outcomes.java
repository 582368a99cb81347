package io.walstream.restorer;

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

  /** The notes as one message, or null when there are none. */
  public static String leftOut(TransactionMerger.Outcome outcome, RestorePlan plan) {
    List<String> notes = notes(outcome, plan);
    return notes.isEmpty() ? null : String.join(" ", notes);
  }
}
