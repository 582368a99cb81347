package io.walstream.cli;

import io.walstream.schemas.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root {@code walstream} command; each capability is a subcommand. */
@Command(
    name = "walstream",
    mixinStandardHelpOptions = true,
    versionProvider = WalstreamCommand.VersionProvider.class,
    description = {
      "Archives database change records from Kafka into hash-chained WAL segments in object",
      "storage, and restores a database from them to any point in time."
    },
    subcommands = {CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failure", "2:usage error"})
public final class WalstreamCommand implements Runnable {
  @Spec private CommandSpec spec;

  /** The configured command line, shared by {@link Main} and the tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new WalstreamCommand());
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /** Prints the project version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"walstream " + Version.current()};
    }
  }
}
