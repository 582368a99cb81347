package io.walstream.cli.command;

import io.walstream.archive.retention.Expiry;
import io.walstream.archive.retention.Retainer;
import io.walstream.archive.retention.RetentionPlan;
import io.walstream.archive.retention.RetentionPolicy;
import io.walstream.archive.store.ObjectStore;
import io.walstream.service.kafka.InstanceIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walstream retention}: expire what no retained restore point needs. */
@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    header = "Expire the history no retained restore point needs.",
    description =
        "Pick each database's floor snapshot by the policy (--keep-snapshots N keeps the newest N"
            + " snapshots; --keep-window D keeps every point of the last D) and expire everything"
            + " before it: older snapshots and their chunks, and per stream the manifests and"
            + " segments the floor snapshot covers. Without --apply it prints the plan only: per"
            + " stream what would go, the bytes freed, the new oldest restore point and the"
            + " snapshot that justifies it. With --apply it stores a retention record first (from"
            + " then on restores start at the floor), then deletes exactly the plan, except what a"
            + " running restore's lease still needs or what is younger than --min-age (deleted by"
            + " a later run). A database whose floor snapshot fails a check is left alone and"
            + " named.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:planned or applied",
      "1:other failure",
      "2:usage error",
      "4:a database was left alone because its archive failed a check (named)"
    })
public final class RetentionCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @Mixin ArchiveOption archive;

  @Option(names = "--database", description = "Only this database.")
  String database;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Policy policy;

  /** The two policies; exactly one is given. */
  static final class Policy {
    @Option(
        names = "--keep-snapshots",
        paramLabel = "N",
        description = "Keep the newest N snapshots and every point after the oldest of them.")
    Integer snapshots;

    @Option(
        names = "--keep-window",
        paramLabel = "DURATION",
        description =
            "Keep every point in time of the last DURATION (e.g. 7d): the floor is the newest"
                + " snapshot committed before it.")
    String window;
  }

  @Option(
      names = "--min-age",
      defaultValue = "1h",
      description = "Delete nothing written within this (default: ${DEFAULT-VALUE}).")
  String minAge;

  @Option(names = "--apply", description = "Carry out the plan (default: print it only).")
  boolean apply;

  @Option(names = "--json", description = "Print the plan or result as JSON.")
  boolean json;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Duration grace = Durations.parse(spec.commandLine(), "--min-age", minAge);
    RetentionPolicy rule = policy();
    try (ObjectStore store = archive.open()) {
      Retainer retainer = new Retainer(store, "retention-" + InstanceIds.generate());
      RetentionPlan plan =
          retainer.plan(
              database == null ? List.of() : List.of(database), rule, grace, Instant.now());
      List<Expiry> deleted = apply ? retainer.apply(plan) : List.of();
      if (json) {
        System.out.println(JsonOutput.write(RetentionText.json(plan, apply, deleted)));
      } else {
        RetentionText.print(plan, apply, deleted);
      }
      return plan.skipped().isEmpty() ? ExitCode.SUCCESS.code() : ExitCode.INTEGRITY.code();
    }
  }

  private RetentionPolicy policy() {
    if (policy.snapshots != null) {
      if (policy.snapshots < 1) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--keep-snapshots "
                + policy.snapshots
                + " must be at least 1 (the floor is a snapshot)");
      }
      return new RetentionPolicy.KeepSnapshots(policy.snapshots);
    }
    return new RetentionPolicy.KeepWindow(
        Durations.parse(spec.commandLine(), "--keep-window", policy.window));
  }
}
