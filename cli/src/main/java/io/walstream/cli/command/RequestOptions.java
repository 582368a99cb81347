package io.walstream.cli.command;

import io.walstream.schemas.avro.RestoreCommand;
import java.time.Duration;
import java.util.UUID;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options every command that asks the restore service for a job shares. */
final class RequestOptions {
  @Option(names = "--command-id", description = "Command id (default: a random UUID).")
  String commandId;

  @Option(names = "--wait", description = "Follow the job until it finishes.")
  boolean wait;

  @Option(
      names = "--timeout",
      defaultValue = "30m",
      description =
          "How long --wait waits, sending included, e.g. 90s, 10m, 2h (default:"
              + " ${DEFAULT-VALUE}).")
  String timeout;

  @Option(
      names = "--signature-key-env",
      description = "Sign the command with the key in this environment variable.")
  String signatureKeyEnv;

  /** The command id given, or a new random one. */
  String commandId() {
    return commandId != null ? commandId : UUID.randomUUID().toString();
  }

  Duration timeout(CommandLine cli) {
    return Durations.parse(cli, "--timeout", timeout);
  }

  ServiceRequests.Follow follow() {
    return wait ? ServiceRequests.Follow.WAIT : ServiceRequests.Follow.NO;
  }

  /** {@code command}, signed when {@code --signature-key-env} names a key. */
  RestoreCommand sign(RestoreCommand command, CommandLine cli) {
    return Signing.sign(command, signatureKeyEnv, cli);
  }
}
