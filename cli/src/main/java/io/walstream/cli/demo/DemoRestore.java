package io.walstream.cli.demo;

import io.walstream.restorer.service.RestoreClient;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.avro.RestoreTargetSpec;
import io.walstream.schemas.avro.SinkKind;
import io.walstream.schemas.avro.SinkSpec;
import io.walstream.schemas.avro.TargetKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/** Requests a restore through the command topic, follows it, and checks the restored file. */
final class DemoRestore {
  private final RestoreClient client;
  private final DemoDirectory dir;
  private final PrintStream out;
  private JobState last;

  DemoRestore(RestoreClient client, DemoDirectory dir, PrintStream out) {
    this.client = client;
    this.dir = dir;
    this.out = out;
  }

  /** How one restore went. */
  record Outcome(
      String database,
      Long lsn,
      Path output,
      RestoreStatus status,
      boolean matches,
      String problem) {
    String describe() {
      return database + (lsn == null ? " latest" : " at lsn " + lsn);
    }
  }

  /** Restores {@code database} to {@code lsn} (null: latest) and compares with {@code expected}. */
  Outcome run(String database, Long lsn, Map<String, Map<Long, Map<String, Object>>> expected)
      throws Exception {
    last = null;
    Path output =
        dir.restores().resolve(database + (lsn == null ? "-latest" : "-at-lsn-" + lsn) + ".db");
    String id = "demo-" + database + "-" + UUID.randomUUID().toString().substring(0, 8);
    out.println(
        "• Requesting a restore of "
            + database
            + (lsn == null ? " to the latest transaction" : " to lsn " + lsn)
            + " through walstream.restore.commands (job "
            + id
            + ")");
    RestoreCommand sent = command(id, database, lsn, output);
    client.send(sent);
    out.print("   ");
    RestoreStatus end =
        client
            .awaitOwn(sent, Duration.ofSeconds(120), this::show)
            .orElseThrow(() -> new IllegalStateException("restore job " + id + " did not finish"));
    out.println();
    if (end.getState() != JobState.SUCCEEDED) {
      return new Outcome(database, lsn, output, end, false, end.getState() + ": " + end);
    }
    Map<String, Map<Object, Map<String, Object>>> actual = DemoModel.actual(output);
    boolean same = actual.equals(expected);
    return new Outcome(
        database,
        lsn,
        output,
        end,
        same,
        same ? null : "the restored rows differ from the expected state");
  }

  /** Each new state on the same line, with the plan and the progress as they arrive. */
  private void show(RestoreStatus s) {
    if (s.getState() == last && s.getState() != JobState.RUNNING) {
      return;
    }
    if (s.getState() != last) {
      out.print(" " + (last == null ? "" : "→ ") + s.getState());
      if (s.getState() == JobState.PLANNED) {
        out.printf(" (%d segments, %.1f KiB)", s.getPlanSegments(), s.getPlanBytes() / 1024.0);
      }
    } else if (s.getPercent() != null) {
      out.printf(" %.0f%%", s.getPercent());
    }
    out.flush();
    last = s.getState();
  }

  private static RestoreCommand command(String id, String database, Long lsn, Path output) {
    return RestoreCommand.newBuilder()
        .setCommandId(id)
        .setType(CommandType.RESTORE)
        .setDatabase(database)
        .setTarget(
            RestoreTargetSpec.newBuilder()
                .setKind(lsn == null ? TargetKind.LATEST : TargetKind.LSN)
                .setLsn(lsn)
                .build())
        .setSink(
            SinkSpec.newBuilder()
                .setKind(SinkKind.SQLITE)
                .setPath(output.toString())
                .setOverwrite(false)
                .build())
        .setDryRun(false)
        .setRequestedBy("walstream demo")
        .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MICROS))
        .build();
  }
}
