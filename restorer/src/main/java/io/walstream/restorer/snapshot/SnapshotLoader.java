package io.walstream.restorer.snapshot;

import io.walstream.archive.format.Snapshot;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.restorer.apply.Futures;
import io.walstream.restorer.sink.Sink;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.avro.SnapshotRow;
import io.walstream.schemas.value.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Puts a snapshot into a sink: every table created with the columns the snapshot recorded, then its
 * rows chunk by chunk, each chunk's size and hash checked before any of its rows is handed on.
 */
public final class SnapshotLoader {
  private final Snapshots snapshots;

  public SnapshotLoader(Snapshots snapshots) {
    this.snapshots = snapshots;
  }

  /**
   * Loads {@code stored} into {@code sink}; returns the rows loaded. The next chunk is fetched,
   * checked and decoded on another thread while the sink takes the current one.
   */
  public long load(StoredSnapshot stored, Sink sink) {
    Snapshot snapshot = stored.snapshot();
    for (Snapshot.Table table : snapshot.tables()) {
      sink.declareTable(table.name(), table.keys(), table.columns());
    }
    ExecutorService fetcher =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "walstream-snapshot-fetch");
              thread.setDaemon(true);
              return thread;
            });
    try {
      long rows = 0;
      List<Snapshot.Chunk> chunks = snapshot.chunks();
      CompletableFuture<List<ChangeRecord>> next =
          chunks.isEmpty() ? null : fetch(snapshot, chunks.get(0), fetcher);
      for (int i = 0; i < chunks.size(); i++) {
        List<ChangeRecord> records = Futures.join(next);
        next = i + 1 < chunks.size() ? fetch(snapshot, chunks.get(i + 1), fetcher) : null;
        sink.load(records);
        rows += records.size();
      }
      return rows;
    } finally {
      fetcher.shutdownNow();
    }
  }

  private CompletableFuture<List<ChangeRecord>> fetch(
      Snapshot snapshot, Snapshot.Chunk chunk, ExecutorService fetcher) {
    return CompletableFuture.supplyAsync(
        () -> {
          List<ChangeRecord> records = new ArrayList<>((int) chunk.rows());
          for (SnapshotRow row : snapshots.rows(snapshot, chunk)) {
            records.add(insert(snapshot, chunk.table(), row, records.size()));
          }
          return records;
        },
        fetcher);
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
