package io.walstream.cli.command;

import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.SinkKind;
import io.walstream.schemas.avro.SinkSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code walstream request-restore}: asks the restore service for a restore. */
@Command(
    name = "request-restore",
    mixinStandardHelpOptions = true,
    header = "Ask the restore service for a restore (and follow it, with --wait).",
    description =
        "Publish a restore command for the restore service and, with --wait, follow its status "
            + "until it finishes, with a progress bar on a terminal.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:requested (or, with --wait, SUCCEEDED)",
      "1:FAILED for another reason, or the request could not be sent",
      "2:usage error",
      "3:FAILED: target not restorable (outside the window)",
      "4:FAILED: integrity failure in the archive",
      "5:REJECTED by the service (the reason is printed)",
      "6:CANCELLED",
      "7:--timeout passed before the job finished"
    })
public final class RequestRestoreCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin VerboseOption verbose;

  @Mixin ServiceTopicsOption service;

  @Mixin RestoreOptions what;

  @Option(names = "--parallelism", description = "Segments fetched ahead (service default).")
  Integer parallelism;

  @Mixin RequestOptions request;

  @Option(
      names = "--follow",
      description =
          "Ask for a follow job (--latest, into --output or --jdbc): the service restores, then"
              + " keeps the target current until the job is cancelled (cancel-restore); its"
              + " statuses carry the lag. With --wait, waits until it ends.")
  boolean followJob;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    what.requireOneDestination(spec.commandLine());
    if (followJob && (!what.target.latest || what.topic != null || what.dryRun)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--follow takes --latest, --output or --jdbc, and no --dry-run");
    }
    Duration wait = request.timeout(spec.commandLine());
    RestoreCommand command = command();
    return ServiceRequests.send(
        service.client(spec.commandLine()),
        command,
        "Requested restore " + command.getCommandId() + " of " + what.database,
        wait,
        request.follow(),
        "request-restore");
  }

  private RestoreCommand command() {
    SinkSpec sink =
        SinkSpec.newBuilder()
            .setKind(
                what.topic != null
                    ? SinkKind.KAFKA
                    : what.jdbcUrl != null ? SinkKind.JDBC : SinkKind.SQLITE)
            .setTopic(what.topic)
            .setPath(
                what.output == null ? null : what.output.toAbsolutePath().normalize().toString())
            .setJdbcUrl(what.jdbcUrl)
            .setSchema$(what.schema)
            .setOverwrite(what.force)
            .build();
    RestoreCommand command =
        RestoreCommand.newBuilder()
            .setCommandId(request.commandId())
            .setType(CommandType.RESTORE)
            .setDatabase(what.database)
            .setTarget(what.target.toSpec())
            .setSink(sink)
            .setDryRun(what.dryRun)
            .setAcceptGaps(what.acceptGaps)
            .setFollow(followJob)
            .setParallelism(parallelism)
            .setRequestedBy(System.getProperty("user.name"))
            .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MICROS))
            .setSignature(null)
            .build();
    return request.sign(command, spec.commandLine());
  }
}
