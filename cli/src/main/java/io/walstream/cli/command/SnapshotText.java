package io.walstream.cli.command;

import io.walstream.archive.format.Snapshot;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.schemas.value.Values;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the commands show a snapshot: one phrase, or a JSON object. */
final class SnapshotText {
  private SnapshotText() {}

  /** "snapshot at lsn 1050 (2026-11-21T10:01:00.000000Z, 3 rows, 120 bytes)". */
  static String describe(StoredSnapshot stored) {
    Snapshot s = stored.snapshot();
    return "snapshot at lsn "
        + s.lsn()
        + " ("
        + Values.formatTimestamp(Values.fromMicros(s.commitTime()))
        + ", "
        + s.rows()
        + " rows, "
        + s.bytes()
        + " bytes)";
  }

  /** The snapshot as a JSON object; null stays null. */
  static Map<String, Object> json(StoredSnapshot stored) {
    if (stored == null) {
      return null;
    }
    Snapshot s = stored.snapshot();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", stored.key());
    out.put("sha256", stored.sha256());
    out.put("lsn", s.lsn());
    out.put("commitTime", Values.formatTimestamp(Values.fromMicros(s.commitTime())));
    out.put("rows", s.rows());
    out.put("bytes", s.bytes());
    out.put("chunks", s.chunks().size());
    Map<String, Long> tables = new LinkedHashMap<>();
    s.tables().forEach(t -> tables.put(t.name(), t.rows()));
    out.put("rowsPerTable", tables);
    out.put("incompleteTransactions", s.incomplete().transactions());
    out.put("gapsCrossed", s.gaps().size());
    out.put("previousSha256", s.prevSnapshotSha256());
    return out;
  }
}
