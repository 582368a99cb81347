package io.walstream.restorer.sink;

import io.walstream.archive.format.Snapshot;
import io.walstream.schemas.avro.ChangeRecord;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** A sink that hands every call to another; decorators override what they add to. */
public abstract class ForwardingSink implements Sink {
  private final Sink sink;

  protected ForwardingSink(Sink sink) {
    this.sink = sink;
  }

  @Override
  public void apply(List<ChangeRecord> transaction, TransactionPosition position) {
    sink.apply(transaction, position);
  }

  @Override
  public void declareTable(
      String table, List<Snapshot.Column> keys, List<Snapshot.Column> columns) {
    sink.declareTable(table, keys, columns);
  }

  @Override
  public void load(List<ChangeRecord> rows) {
    sink.load(rows);
  }

  @Override
  public OptionalLong resume(String database, String target) {
    return sink.resume(database, target);
  }

  @Override
  public void commit() {
    sink.commit();
  }

  @Override
  public void abort() {
    sink.abort();
  }

  @Override
  public Map<String, Long> rowCounts() {
    return sink.rowCounts();
  }
}
