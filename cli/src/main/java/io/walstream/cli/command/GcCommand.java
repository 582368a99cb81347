package io.walstream.cli.command;

import io.walstream.archive.gc.GarbageCollector;
import io.walstream.archive.gc.GcPlan;
import io.walstream.archive.gc.Leftover;
import io.walstream.archive.store.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walstream gc}: remove uncommitted leftovers older than a grace period. */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    header = "Remove uncommitted leftovers from the archive.",
    description =
        "Find the segments no manifest claims and the snapshot chunks no snapshot names (left by a"
            + " cut or a snapshot build that did not commit) and, with --apply, delete those older"
            + " than --min-age, so that work in flight is never collected. Without --apply it only"
            + " prints what it would remove. A database with a hole in a chain, or a manifest or"
            + " snapshot it cannot read, is left alone and named.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:planned or removed",
      "1:other failure",
      "2:usage error",
      "4:a database was left alone because its archive failed a check (named)"
    })
public final class GcCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @Mixin ArchiveOption archive;

  @Option(names = "--database", description = "Only this database.")
  String database;

  @Option(
      names = "--min-age",
      defaultValue = "1h",
      description =
          "Leave leftovers younger than this (default: ${DEFAULT-VALUE}); longer than any cut or"
              + " snapshot build takes.")
  String minAge;

  @Option(names = "--apply", description = "Delete what the plan lists (default: print it only).")
  boolean apply;

  @Option(names = "--json", description = "Print the plan or result as JSON.")
  boolean json;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Duration grace = Durations.parse(spec.commandLine(), "--min-age", minAge);
    try (ObjectStore store = archive.open()) {
      GarbageCollector gc = new GarbageCollector(store);
      GcPlan plan = gc.plan(database == null ? List.of() : List.of(database), grace, Instant.now());
      List<Leftover> removed = apply ? gc.apply(plan) : List.of();
      print(plan, removed);
      return plan.skipped().isEmpty() ? ExitCode.SUCCESS.code() : ExitCode.INTEGRITY.code();
    }
  }

  private void print(GcPlan plan, List<Leftover> removed) {
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("applied", apply);
      out.put("minAge", plan.minAge().toString());
      out.put("remove", plan.remove().stream().map(GcCommand::json).toList());
      out.put("removed", removed.stream().map(Leftover::key).toList());
      out.put("bytes", plan.bytes());
      out.put("keptTooYoung", plan.tooYoung().stream().map(GcCommand::json).toList());
      out.put("skippedDatabases", plan.skipped());
      System.out.println(JsonOutput.write(out));
      return;
    }
    String verb = apply ? "removed" : "would remove";
    for (Leftover leftover : plan.remove()) {
      boolean gone = removed.contains(leftover);
      System.out.printf(
          "%s %s (%d bytes, written %s): %s%n",
          apply && !gone ? "kept (named meanwhile)" : verb,
          leftover.key(),
          leftover.size(),
          leftover.written(),
          leftover.why());
    }
    System.out.printf(
        "%s %d leftovers, %d bytes; kept %d younger than %s%s%n",
        apply ? "Removed" : "Would remove",
        apply ? removed.size() : plan.remove().size(),
        apply ? removed.stream().mapToLong(Leftover::size).sum() : plan.bytes(),
        plan.tooYoung().size(),
        minAge,
        apply ? "." : "; rerun with --apply to delete them.");
    plan.skipped().forEach(s -> System.out.println("LEFT ALONE " + s));
  }

  private static Map<String, Object> json(Leftover leftover) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", leftover.key());
    out.put("bytes", leftover.size());
    out.put("written", leftover.written().toString());
    out.put("why", leftover.why());
    return out;
  }
}
