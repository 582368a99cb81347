package io.walstream.restorer.sink;

import io.walstream.archive.format.Snapshot;
import io.walstream.schemas.avro.ChangeRecord;
import java.util.List;

/**
 * Where a restore writes. Writes go to a temporary target that replaces the real one only on {@link
 * #commit()} (DESIGN invariant 8); {@link #abort()} leaves nothing behind.
 */
public interface Sink extends AutoCloseable {
  /** Applies one complete transaction, recording its position in the same database transaction. */
  void apply(List<ChangeRecord> transaction, TransactionPosition position);

  /**
   * Creates {@code table} with exactly these key and other columns, typed as a restore from the
   * start would have typed them, before the rows of a snapshot arrive; a table the sink has already
   * is left as it is.
   */
  void declareTable(String table, List<Snapshot.Column> keys, List<Snapshot.Column> columns);

  /**
   * Applies rows of a snapshot (INSERT records), recording no position: a restore interrupted while
   * loading its snapshot loads the whole snapshot again when resumed, over the rows already in
   * (they are the same rows, so the result is the same).
   */
  void load(List<ChangeRecord> rows);

  /**
   * Prepares to restore {@code database} to {@code target} (as {@code RestoreTarget.describe} words
   * it). When the sink holds the committed batches of an earlier, interrupted restore of the same,
   * it keeps them and returns the LSN up to which every transaction is in; the restore then applies
   * only later ones. Empty: start from the beginning.
   */
  default java.util.OptionalLong resume(String database, String target) {
    return java.util.OptionalLong.empty();
  }

  /** Makes everything applied durable and switches it in place of the target. */
  void commit();

  /** Discards everything applied; the target is untouched. */
  void abort();

  /** Rows per table in the restored database, for the summary. */
  java.util.Map<String, Long> rowCounts();

  @Override
  default void close() {
    abort();
  }
}
