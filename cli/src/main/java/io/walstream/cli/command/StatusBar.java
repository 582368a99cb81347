package io.walstream.cli.command;

import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;

/**
 * Shows a job's statuses as they arrive: a one-line progress bar on a terminal, one line per state
 * change otherwise.
 */
final class StatusBar {
  private final boolean terminal = System.console() != null;
  private JobState last;
  private boolean barShown;

  void show(RestoreStatus s) {
    if (s.getState() == JobState.RUNNING && s.getPercent() != null && terminal) {
      int width = 30;
      int filled = (int) Math.round(Math.min(100, s.getPercent()) / 100 * width);
      System.err.printf(
          "\r[%s%s] %3.0f%% %d records, %d/%d segments ",
          "=".repeat(filled),
          " ".repeat(width - filled),
          s.getPercent(),
          s.getRecordsDone() == null ? 0 : s.getRecordsDone(),
          s.getSegmentsDone() == null ? 0 : s.getSegmentsDone(),
          s.getPlanSegments() == null ? 0 : s.getPlanSegments());
      barShown = true;
    } else if (s.getState() != last) {
      done();
      System.err.println(
          "  " + s.getState() + (s.getMessage() == null ? "" : ": " + s.getMessage()));
    }
    last = s.getState();
  }

  /** Ends the bar's line. */
  void done() {
    if (barShown) {
      System.err.println();
      barShown = false;
    }
  }
}
