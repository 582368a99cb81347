package io.walstream.cli.command;

import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import io.walstream.service.kafka.InstanceIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walstream snapshot}: the full state of a database at a point, from the archive. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    header = "Build a snapshot of a database from the archive.",
    description =
        "Build the full state of a database at the last complete transaction up to the target,"
            + " from its latest usable snapshot plus the segments after it (or from the start),"
            + " verified as a restore is, and commit it to the archive. Restores then start from"
            + " the latest snapshot at or before their target. Memory stays bounded: the state is"
            + " kept in a temporary SQLite file under --work-dir.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:snapshot committed (or one at the same lsn exists already)",
      "1:other failure",
      "2:usage error",
      "3:target not restorable (no transaction up to it, or past a recorded gap without"
          + " --accept-gaps)",
      "4:integrity failure in the archive"
    })
public final class SnapshotCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @Mixin ArchiveOption archive;

  @Option(names = "--database", required = true, description = "Database to snapshot.")
  String database;

  @ArgGroup(exclusive = true, multiplicity = "1")
  TargetOption target;

  @Option(
      names = "--accept-gaps",
      description =
          "Snapshot even when the target lies past a recorded gap (the snapshot records every gap"
              + " crossed, and only restores that accept gaps start from it).")
  boolean acceptGaps;

  @Option(
      names = "--work-dir",
      description = "Directory for the temporary state file (default: the system's temp dir).")
  Path workDir;

  @picocli.CommandLine.Mixin KeyOptions kek;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RestoreTarget restoreTarget;
    try {
      restoreTarget = target.toTarget();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Path work = workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir"));
    if (!Files.isDirectory(work)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--work-dir " + work + " is not a directory");
    }
    try (ObjectStore store = archive.open()) {
      SnapshotBuilder.Result result =
          new SnapshotBuilder(
                  new io.walstream.archive.read.ArchiveReader(
                      store, kek.writingKeyring(store), kek.signatures()),
                  "snapshot-" + InstanceIds.generate(),
                  io.walstream.archive.format.SnapshotChunks.MAX_ROWS)
              .build(
                  database, restoreTarget, acceptGaps ? GapPolicy.ACCEPT : GapPolicy.REFUSE, work);
      print(result);
      return ExitCode.SUCCESS.code();
    }
  }

  private void print(SnapshotBuilder.Result result) {
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("database", database);
      out.put("made", result.made().name());
      out.put("snapshot", SnapshotText.json(result.snapshot()));
      out.put("base", SnapshotText.json(result.base()));
      out.put("segmentsRead", result.segments());
      out.put("durationMs", result.duration().toMillis());
      System.out.println(JsonOutput.write(out));
      return;
    }
    if (result.made() == SnapshotBuilder.Made.EXISTED) {
      System.out.printf(
          "The %s of %s exists already (%s); nothing written.%n",
          SnapshotText.describe(result.snapshot()), database, result.snapshot().key());
      return;
    }
    System.out.printf(
        "Snapshot of %s committed: %s, %d chunks, from %s and %d segments, in %.1f s -> %s%n",
        database,
        SnapshotText.describe(result.snapshot()),
        result.snapshot().snapshot().chunks().size(),
        result.base() == null ? "the start" : "the " + SnapshotText.describe(result.base()),
        result.segments(),
        result.duration().toMillis() / 1000.0,
        result.snapshot().key());
    result
        .snapshot()
        .snapshot()
        .tables()
        .forEach(
            t ->
                System.out.printf("  %-40s %10d rows %12d bytes%n", t.name(), t.rows(), t.bytes()));
  }
}
