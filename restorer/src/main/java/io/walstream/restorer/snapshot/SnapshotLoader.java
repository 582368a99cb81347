package io.walstream.restorer.snapshot;

import io.walstream.archive.format.Snapshot;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.restorer.sink.Sink;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.avro.SnapshotRow;
import io.walstream.schemas.value.Values;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a snapshot into a sink: every table created with the columns the snapshot recorded, then its
 * rows chunk by chunk, each chunk's size and hash checked before any of its rows is handed on.
 */
public final class SnapshotLoader {
  private final Snapshots snapshots;

  public SnapshotLoader(Snapshots snapshots) {
    this.snapshots = snapshots;
  }

  /** Loads {@code stored} into {@code sink}; returns the rows loaded. */
  public long load(StoredSnapshot stored, Sink sink) {
    Snapshot snapshot = stored.snapshot();
    for (Snapshot.Table table : snapshot.tables()) {
      sink.declareTable(table.name(), table.keys(), table.columns());
    }
    long rows = 0;
    for (Snapshot.Chunk chunk : snapshot.chunks()) {
      List<ChangeRecord> records = new ArrayList<>((int) chunk.rows());
      for (SnapshotRow row : snapshots.rows(snapshot, chunk)) {
        records.add(insert(snapshot, chunk.table(), row, records.size()));
      }
      sink.load(records);
      rows += records.size();
    }
    return rows;
  }

  private static ChangeRecord insert(Snapshot snapshot, String table, SnapshotRow row, int index) {
    return ChangeRecord.newBuilder()
        .setDatabase(snapshot.database())
        .setTable(table)
        .setOp(Op.INSERT)
        .setKey(row.getKey())
        .setAfter(row.getAfter())
        .setBefore(null)
        .setLsn(snapshot.lsn())
        .setTxIndex(index)
        .setTxLast(false)
        .setCommitTime(Values.fromMicros(snapshot.commitTime()))
        .build();
  }
}
