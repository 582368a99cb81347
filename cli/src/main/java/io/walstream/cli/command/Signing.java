package io.walstream.cli.command;

import io.walstream.restorer.service.CommandSignature;
import io.walstream.schemas.avro.RestoreCommand;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Signs commands with a key read from an environment variable (never from the command line). */
final class Signing {
  private Signing() {}

  /** {@code command}, signed when {@code keyEnv} names a variable; unchanged when it is null. */
  static RestoreCommand sign(RestoreCommand command, String keyEnv, CommandLine cli) {
    if (keyEnv == null) {
      return command;
    }
    String key = System.getenv(keyEnv);
    if (key == null || key.isEmpty()) {
      throw new ParameterException(cli, "environment variable " + keyEnv + " is not set");
    }
    command.setSignature(CommandSignature.sign(command, key));
    return command;
  }
}
