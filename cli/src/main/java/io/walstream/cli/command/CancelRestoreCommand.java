package io.walstream.cli.command;

import io.walstream.restorer.service.RestoreClient;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
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
    description = {
      "Ask the restore service to cancel a job; it stops at its next transaction and leaves",
      "nothing behind. With --wait, follows the job until it ends."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:cancel requested (with --wait: the job ended CANCELLED)",
      "1:the job ended otherwise, or the request could not be sent",
      "2:usage error",
      "7:--timeout passed first"
    })
public final class CancelRestoreCommand implements Callable<Integer> {
  @Mixin ServiceTopicsOption service;

  @Option(names = "--command-id", required = true, description = "The job to cancel.")
  String commandId;

  @Option(names = "--wait", description = "Follow the job until it ends.")
  boolean wait;

  @Option(names = "--timeout", defaultValue = "5m", description = "How long --wait waits.")
  String timeout;

  @Option(
      names = "--signature-key-env",
      description = "Sign the command with the key in this environment variable.")
  String signatureKeyEnv;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    RestoreClient client = service.client();
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
    client.send(Signing.sign(cancel, signatureKeyEnv, spec.commandLine()));
    System.out.println("Requested cancellation of " + commandId);
    if (!wait) {
      return 0;
    }
    Optional<RestoreStatus> end =
        client.await(commandId, Durations.parse(spec.commandLine(), "--timeout", timeout), s -> {});
    if (end.isEmpty()) {
      return 7;
    }
    System.out.println(StatusText.summary(end.get()));
    return RequestRestoreCommand.exitCode(end.get()) == 6 ? 0 : 1;
  }
}
