package io.walstream.cli.command;

import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.value.Values;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** How job statuses read on a terminal and in JSON. */
final class StatusText {
  private StatusText() {}

  /** One line saying how a job ended (or where it is). */
  static String summary(RestoreStatus s) {
    StringBuilder out =
        new StringBuilder("Job ").append(s.getCommandId()).append(": ").append(s.getState());
    if (s.getState() == JobState.SUCCEEDED && s.getRecoveredLsn() != null) {
      // A SNAPSHOT job's message names the snapshot it committed (or found).
      boolean snapshot = s.getMessage() != null && s.getMessage().startsWith("snapshot ");
      out.append(" - ")
          .append(s.getDatabase())
          .append(snapshot ? " snapshot at lsn " : " restored to lsn ")
          .append(s.getRecoveredLsn())
          .append(" (")
          .append(Values.formatTimestamp(s.getRecoveredTime()))
          .append("), rows ")
          .append(s.getRowsPerTable() == null ? s.getRows() : new TreeMap<>(s.getRowsPerTable()))
          .append(s.getDurationMs() == null ? "" : " in " + s.getDurationMs() / 1000.0 + " s");
    }
    if (s.getErrorMessage() != null) {
      out.append(" - ").append(kind(s)).append(": ").append(s.getErrorMessage());
    }
    if (s.getMessage() != null) {
      out.append(" - ").append(s.getMessage());
    }
    if (s.getState() == JobState.PLANNED && s.getPlanSnapshotLsn() != null) {
      out.append(" - from the snapshot at lsn ")
          .append(s.getPlanSnapshotLsn())
          .append(", then ")
          .append(s.getPlanSegments())
          .append(" segments");
    }
    if (io.walstream.restorer.service.JobTable.terminal(s.getState())
        && s.getAnchorCheck() != null
        && s.getAnchorCheck().startsWith("not checked")) {
      out.append(" - archive ").append(s.getAnchorCheck());
    }
    if (s.getAttempt() > 1) {
      out.append(" (attempt ").append(s.getAttempt()).append(')');
    }
    return out.toString();
  }

  /** The error kind; for a status of version 3 or older, the kind its exit code stands for. */
  private static String kind(RestoreStatus s) {
    if (s.getErrorKind() != null) {
      return s.getErrorKind().name();
    }
    return switch (ExitCode.of(s)) {
      case INTEGRITY -> "INTEGRITY";
      case TARGET_NOT_RESTORABLE -> "TARGET_NOT_RESTORABLE";
      default -> "PERMANENT";
    };
  }

  /** The status as a JSON-ready map, without the embedded command bytes. */
  static Map<String, Object> json(RestoreStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("commandId", s.getCommandId());
    m.put("state", s.getState().name());
    m.put("database", s.getDatabase());
    m.put("attempt", s.getAttempt());
    m.put("message", s.getMessage());
    m.put("planSnapshotKey", s.getPlanSnapshotKey());
    m.put("planSnapshotLsn", s.getPlanSnapshotLsn());
    m.put("planSegments", s.getPlanSegments());
    m.put("planBytes", s.getPlanBytes());
    m.put("percent", s.getPercent());
    m.put("recordsDone", s.getRecordsDone());
    m.put("recoveredLsn", s.getRecoveredLsn());
    m.put(
        "recoveredTime",
        s.getRecoveredTime() == null ? null : Values.formatTimestamp(s.getRecoveredTime()));
    m.put("rowsPerTable", s.getRowsPerTable() == null ? null : new TreeMap<>(s.getRowsPerTable()));
    m.put("durationMs", s.getDurationMs());
    m.put("gapsCrossed", s.getGapsCrossed() == null ? java.util.List.of() : s.getGapsCrossed());
    m.put("incompleteTransactions", s.getIncompleteTransactions());
    m.put("incompleteLsns", s.getIncompleteLsns());
    m.put("anchorCheck", s.getAnchorCheck());
    m.put("errorKind", s.getErrorKind() == null ? null : kind(s));
    m.put("errorMessage", s.getErrorMessage());
    m.put("updatedAt", Values.formatTimestamp(s.getUpdatedAt()));
    m.put("instanceId", s.getInstanceId());
    return m;
  }
}
