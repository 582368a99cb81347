package io.walstream.cli.command;

import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.RestoreCommand;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code walstream request-snapshot}: asks the restore service for a snapshot. */
@Command(
    name = "request-snapshot",
    mixinStandardHelpOptions = true,
    header = "Ask the restore service for a snapshot (and follow it, with --wait).",
    description =
        "Publish a SNAPSHOT command for the restore service: it builds the database's state at"
            + " the target from the archive and commits it, as walstream snapshot does, holding the"
            + " database's maintenance lock (one snapshot or retention run per database at a time,"
            + " across instances). With --wait, follow its status until it finishes.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:requested (or, with --wait, SUCCEEDED)",
      "1:FAILED for another reason (another instance holds the lock, say), or not sent",
      "2:usage error",
      "3:FAILED: no transaction up to the target, or past a gap without --accept-gaps",
      "4:FAILED: integrity failure in the archive",
      "5:REJECTED by the service (the reason is printed)",
      "7:--timeout passed before the job finished"
    })
public final class RequestSnapshotCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @Mixin ServiceTopicsOption service;

  @Option(names = "--database", required = true, description = "Database to snapshot.")
  String database;

  @ArgGroup(exclusive = true, multiplicity = "1")
  TargetOption target;

  @Option(
      names = "--accept-gaps",
      description = "Snapshot even when the target lies past a recorded gap.")
  boolean acceptGaps;

  @Mixin RequestOptions request;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Duration limit = request.timeout(spec.commandLine());
    RestoreCommand command =
        RestoreCommand.newBuilder()
            .setCommandId(request.commandId())
            .setType(CommandType.SNAPSHOT)
            .setDatabase(database)
            .setTarget(target.toSpec())
            .setSink(null)
            .setDryRun(false)
            .setAcceptGaps(acceptGaps)
            .setParallelism(null)
            .setRequestedBy(System.getProperty("user.name"))
            .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MICROS))
            .setSignature(null)
            .build();
    return ServiceRequests.send(
        service.client(spec.commandLine()),
        request.sign(command, spec.commandLine()),
        "Requested snapshot " + command.getCommandId() + " of " + database,
        limit,
        request.follow(),
        "request-snapshot");
  }
}
