package io.walstream.bench;

import io.walstream.restorer.sink.ForwardingSink;
import io.walstream.restorer.sink.Sink;
import io.walstream.restorer.sink.TransactionPosition;
import io.walstream.schemas.avro.ChangeRecord;
import java.util.List;
import java.util.Map;

/**
 * Times the phases of one restore through its sink: until the first transaction arrives (planning,
 * the first segment fetched and verified), applying (until the last transaction was handed over),
 * counting the rows (which first waits for every statement to be executed) and committing (the last
 * batch, the file made self-contained, fsynced and renamed, or the schema swapped in).
 */
final class RestorePhases extends ForwardingSink {
  private final long start;
  private long firstApply;
  private long lastApply;
  private long countStart;
  private long countEnd;
  private long committed;

  RestorePhases(Sink sink, long start) {
    super(sink);
    this.start = start;
  }

  @Override
  public void apply(List<ChangeRecord> transaction, TransactionPosition position) {
    if (firstApply == 0) {
      firstApply = System.nanoTime();
    }
    super.apply(transaction, position);
    lastApply = System.nanoTime();
  }

  @Override
  public Map<String, Long> rowCounts() {
    countStart = System.nanoTime();
    Map<String, Long> counts = super.rowCounts();
    countEnd = System.nanoTime();
    return counts;
  }

  @Override
  public void commit() {
    super.commit();
    committed = System.nanoTime();
  }

  /** The seconds applying took: from the first transaction to the last. */
  double applying() {
    return (lastApply - firstApply) / 1e9;
  }

  /** One line: each phase in seconds, and the applying phase's rate against {@code limit}. */
  String describe(String sink, int records, double limit) {
    return String.format(
        "%s %d, best restore's phases: %.2f s to the first transaction, %.2f s applying"
            + " (%.0f records/s, %.2f × tuned), %.2f s counting rows, %.2f s committing",
        sink,
        records,
        (firstApply - start) / 1e9,
        applying(),
        records / applying(),
        records / applying() / limit,
        (countEnd - countStart) / 1e9,
        (committed - countEnd) / 1e9);
  }
}
