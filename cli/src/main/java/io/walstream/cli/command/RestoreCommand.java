package io.walstream.cli.command;

import io.walstream.archive.retention.ReaderLease;
import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.PostgresSink;
import io.walstream.restorer.sink.Sink;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.verify.Anchoring;
import io.walstream.schemas.value.Values;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walstream restore}: rebuild a database to a point in time. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    header = "Restore a database from the archive to a point in time.",
    description =
        "Restore a database from the archive to the latest transaction, an LSN or a time, into a "
            + "SQLite file or a PostgreSQL schema, or replay its change records into a Kafka topic. Every segment's hash and chain link is checked "
            + "before its records are applied; the output appears only when the restore succeeds.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:restored (or planned, with --dry-run; with --follow: stopped)",
      "1:other failure",
      "2:usage error",
      "3:target not restorable (outside the window, or past a recorded gap without --accept-gaps)",
      "4:integrity failure in the archive (with --bootstrap-servers: also an archive rolled back"
          + " behind, or differing from, the manifests topic; with --follow: an archive replaced"
          + " or rolled back under the file, without --reseed)"
    })
public final class RestoreCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin VerboseOption verbose;

  @Mixin ArchiveOption archive;

  @Mixin KeyOptions kek;

  @Mixin RestoreOptions what;

  @Mixin AnchorOptions anchors;

  @Mixin FollowOptions follow;

  @Option(
      names = "--no-anchor-check",
      description =
          "With --bootstrap-servers, skip the check against the manifests topic (for an archive"
              + " whose topic is gone); the result says the check was skipped.")
  boolean noAnchorCheck;

  @Option(
      names = "--no-snapshot",
      description =
          "Replay every stream from its start instead of starting from the latest snapshot at or"
              + " before the target.")
  boolean noSnapshot;

  @Option(names = "--json", description = "Print the plan or result as JSON.")
  boolean json;

  @Option(
      names = "--parallelism",
      defaultValue = "4",
      description = "Segments fetched and verified ahead in parallel (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    RestoreTarget restoreTarget = checkUsage();
    try (ObjectStore store = archive.open()) {
      io.walstream.archive.read.ArchiveReader reader = kek.reader(store);
      Restorer restorer =
          new Restorer(reader, parallelism)
              .using(
                  // A topic gets the change records themselves, never a snapshot's rows.
                  noSnapshot || what.topic != null
                      ? Restorer.SnapshotUse.IGNORE
                      : Restorer.SnapshotUse.LATEST);
      Anchoring anchoring =
          noAnchorCheck
              ? new Anchoring.Skipped("--no-anchor-check")
              : anchors.anchoring(spec.commandLine(), "no --bootstrap-servers given");
      if (follow.follow) {
        return follow.run(
            spec.commandLine(),
            reader,
            what,
            anchors,
            anchors.given() && !noAnchorCheck
                ? anchors.watch(spec.commandLine(), what.database)
                : null);
      }
      if (what.dryRun) {
        printPlan(restorer.plan(what.database, restoreTarget, what.gapPolicy(), anchoring));
        return ExitCode.SUCCESS.code();
      }
      Sink sink = sink();
      try (ReaderLease lease =
          restorer.lease(what.database, io.walstream.archive.format.Lease.RESTORE)) {
        Restorer.Result result =
            restorer.restore(
                what.database, restoreTarget, what.gapPolicy(), anchoring, sink, progress());
        printResult(result);
      }
      return ExitCode.SUCCESS.code();
    }
  }

  /** The options' target; every usage error is refused before anything is read. */
  private RestoreTarget checkUsage() {
    RestoreTarget restoreTarget;
    try {
      restoreTarget = what.target.toTarget();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (parallelism < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--parallelism must be at least 1");
    }
    follow.check(spec.commandLine(), what);
    if (what.topic != null && !anchors.given()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--topic needs --bootstrap-servers");
    }
    if (!what.dryRun) {
      what.requireOneDestination(spec.commandLine());
      what.requireWritableOutput(spec.commandLine());
    }
    anchors.timeout(spec.commandLine());
    return restoreTarget;
  }

  private Sink sink() {
    if (what.topic != null) {
      return io.walstream.restorer.sink.KafkaTopicSink.open(
          anchors.clientConfig(), anchors.timeout(spec.commandLine()), what.topic, what.database);
    }
    return what.output != null
        ? SqliteSink.open(what.output, what.force)
        : PostgresSink.open(what.jdbcUrl, what.schemaOrDatabase(), what.force);
  }

  private void printPlan(RestorePlan plan) {
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("database", plan.database());
      out.put("target", plan.target().describe());
      out.put("window", plan.window().toString());
      out.put("snapshot", SnapshotText.json(plan.snapshot()));
      out.put("segments", plan.segments());
      out.put("bytes", plan.bytes());
      out.put("gapsCrossed", plan.gapsCrossed().stream().map(Object::toString).toList());
      out.put("anchorCheck", plan.anchorCheck());
      out.put(
          "streams",
          plan.streams().stream()
              .map(
                  s ->
                      Map.of(
                          "stream", s.stream().toString(),
                          "segments", s.segments().stream().map(m -> m.segment().key()).toList()))
              .toList());
      System.out.println(JsonOutput.write(out));
      return;
    }
    System.out.printf(
        "Plan: restore %s to %s (window: %s)%n",
        plan.database(), plan.target().describe(), plan.window());
    System.out.println(
        plan.snapshot() == null
            ? "  from the start of every stream (no snapshot at or before the target)"
            : "  from the "
                + SnapshotText.describe(plan.snapshot())
                + ", "
                + plan.snapshot().key()
                + ", then");
    System.out.println("  stream                                   segments        bytes");
    for (RestorePlan.StreamPlan s : plan.streams()) {
      long bytes = s.segments().stream().mapToLong(m -> m.segment().byteSize()).sum();
      System.out.printf("  %-40s %8d %12d%n", s.stream(), s.segments().size(), bytes);
    }
    System.out.printf("  total: %d segments, %d bytes to fetch%n", plan.segments(), plan.bytes());
    System.out.println("  archive " + plan.anchorCheck());
    for (var gap : plan.gapsCrossed()) {
      System.out.println("  crosses " + gap + " (accepted)");
    }
  }

  /** A one-line progress bar on stderr when it is a terminal; nothing otherwise. */
  private io.walstream.restorer.apply.Progress progress() {
    if (System.console() == null || json) {
      return io.walstream.restorer.apply.Progress.NONE;
    }
    long start = System.nanoTime();
    return (segmentsDone, segmentsTotal, bytesDone, bytesTotal) -> {
      double fraction = bytesTotal == 0 ? 1 : (double) bytesDone / bytesTotal;
      double elapsed = (System.nanoTime() - start) / 1e9;
      long eta = fraction <= 0 ? 0 : Math.round(elapsed / fraction - elapsed);
      int width = 30;
      int filled = (int) Math.round(fraction * width);
      System.err.printf(
          "\r[%s%s] %3.0f%% %d/%d segments, %.1f/%.1f MB, ETA %ds ",
          "=".repeat(filled),
          " ".repeat(width - filled),
          fraction * 100,
          segmentsDone,
          segmentsTotal,
          bytesDone / 1e6,
          bytesTotal / 1e6,
          eta);
      if (segmentsDone == segmentsTotal) {
        System.err.println();
      }
    };
  }

  private void printResult(Restorer.Result result) {
    var outcome = result.outcome();
    String at =
        outcome.lastLsn() == null
            ? "an empty database"
            : "lsn "
                + outcome.lastLsn()
                + " ("
                + Values.formatTimestamp(Values.fromMicros(outcome.lastCommitMicros()))
                + ")";
    if (json) {
      System.out.println(JsonOutput.write(resultJson(result)));
      return;
    }
    System.out.printf(
        "Restored %s to %s: %d transactions, %d records, rows %s in %.1f s -> %s%n",
        what.database,
        at,
        outcome.transactions(),
        outcome.records(),
        result.rowsPerTable(),
        result.duration().toMillis() / 1000.0,
        what.destination());
    if (result.plan().snapshot() != null) {
      System.out.println(
          "Started from the "
              + SnapshotText.describe(result.plan().snapshot())
              + "; the counts are"
              + " of the transactions after it.");
    }
    if (outcome.resumedAfterLsn() != null) {
      System.out.printf(
          "Resumed an interrupted restore: transactions up to lsn %d were already applied.%n",
          outcome.resumedAfterLsn());
    }
    io.walstream.restorer.Outcomes.notes(outcome, result.plan()).forEach(System.out::println);
    System.out.println("Archive " + result.plan().anchorCheck() + ".");
  }

  private Map<String, Object> resultJson(Restorer.Result result) {
    var outcome = result.outcome();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("database", what.database);
    out.put("recoveredLsn", outcome.lastLsn());
    out.put("transactions", outcome.transactions());
    out.put("records", outcome.records());
    out.put("pendingRecordsLeftOut", outcome.pendingRecords());
    out.put("pendingLsn", outcome.pendingLsn());
    out.put("incompleteTransactions", outcome.incomplete().transactions());
    out.put("incompleteRecords", outcome.incomplete().records());
    out.put("incompleteLsns", outcome.incomplete().lsns());
    out.put("gapsCrossed", result.plan().gapsCrossed().stream().map(Object::toString).toList());
    out.put("resumedAfterLsn", outcome.resumedAfterLsn());
    out.put("snapshot", SnapshotText.json(result.plan().snapshot()));
    out.put("rows", result.rowsPerTable());
    out.put("durationMs", result.duration().toMillis());
    out.put("output", what.destination());
    return out;
  }
}
