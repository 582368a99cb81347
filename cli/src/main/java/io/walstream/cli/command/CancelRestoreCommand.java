package io.walstream.cli.command;

import io.walstream.restorer.service.RestoreClient;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walstream cancel-restore}: asks the restore service to cancel a job. */
@Command(
    name = "cancel-restore",
    mixinStandardHelpOptions = true,
    header = "Ask the restore service to cancel a job.",
    description =
        "Ask the restore service to cancel a job; it stops at its next transaction and leaves "
            + "nothing behind. With --wait, follows the job until it ends.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:cancel requested (with --wait: the job ended CANCELLED)",
      "1:the job ended otherwise, or the request could not be sent",
      "2:usage error",
      "5:REJECTED (e.g. an unknown command id)",
      "7:--timeout passed first"
    })
public final class CancelRestoreCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin VerboseOption verbose;

  @Mixin ServiceTopicsOption service;

  @Option(names = "--command-id", required = true, description = "The job to cancel.")
  String commandId;

  @Option(names = "--wait", description = "Follow the job until it ends.")
  boolean wait;

  @Option(
      names = "--timeout",
      defaultValue = "5m",
      description = "How long --wait waits, sending included (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(
      names = "--signature-key-env",
      description = "Sign the command with the key in this environment variable.")
  String signatureKeyEnv;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Duration waitFor = Durations.parse(spec.commandLine(), "--timeout", timeout);
    RestoreClient client = service.client(spec.commandLine());
    RestoreCommand cancel =
        RestoreCommand.newBuilder()
            .setCommandId(commandId)
            .setType(CommandType.CANCEL)
            .setDatabase(null)
            .setTarget(null)
            .setSink(null)
            .setDryRun(false)
            .setParallelism(null)
            .setRequestedBy(System.getProperty("user.name"))
            .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MICROS))
            .setSignature(null)
            .build();
    // With --wait, --timeout bounds the whole command, sending included.
    long deadline = System.nanoTime() + waitFor.toNanos();
    RestoreCommand signed = Signing.sign(cancel, signatureKeyEnv, spec.commandLine());
    if (wait) {
      client.send(signed, waitFor);
    } else {
      client.send(signed);
    }
    System.out.println("Requested cancellation of " + commandId);
    if (!wait) {
      return ExitCode.SUCCESS.code();
    }
    Optional<RestoreStatus> end =
        client.await(
            commandId, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())), s -> {});
    if (end.isEmpty()) {
      return ExitCode.TIMED_OUT.code();
    }
    System.out.println(StatusText.summary(end.get()));
    // Asked to cancel, a job that ended CANCELLED is success; a refused cancel (an unknown id) is
    // REJECTED; any other end is not what was asked.
    ExitCode ended = ExitCode.of(end.get());
    if (ended == ExitCode.CANCELLED) {
      return ExitCode.SUCCESS.code();
    }
    return (ended == ExitCode.REJECTED ? ExitCode.REJECTED : ExitCode.FAILURE).code();
  }
}
