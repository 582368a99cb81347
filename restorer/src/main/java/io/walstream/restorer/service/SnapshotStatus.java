package io.walstream.restorer.service;

import io.walstream.archive.format.Snapshot;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.value.Values;
import java.util.stream.Collectors;

/**
 * How a SNAPSHOT job's outcome reads in its status: the snapshot's lsn and commit time as the
 * recovered position, its rows per table, the snapshot it was built from and the segments read
 * after it as the plan, and a message naming its key.
 */
final class SnapshotStatus {
  private SnapshotStatus() {}

  static RestoreStatus.Builder of(SnapshotBuilder.Result result, RestoreStatus.Builder status) {
    Snapshot snapshot = result.snapshot().snapshot();
    return status
        .setRecoveredLsn(snapshot.lsn())
        .setRecoveredTime(Values.fromMicros(snapshot.commitTime()))
        .setRows(snapshot.rows())
        .setRowsPerTable(
            snapshot.tables().stream()
                .collect(Collectors.toMap(Snapshot.Table::name, Snapshot.Table::rows)))
        .setPlanSnapshotKey(result.base() == null ? null : result.base().key())
        .setPlanSnapshotLsn(result.base() == null ? null : result.base().snapshot().lsn())
        .setPlanSegments(result.segments())
        .setMessage(
            (result.made() == SnapshotBuilder.Made.CREATED
                    ? "snapshot committed: "
                    : "snapshot exists already, nothing written: ")
                + result.snapshot().key()
                + " ("
                + snapshot.rows()
                + " rows, "
                + snapshot.bytes()
                + " bytes)");
  }
}
