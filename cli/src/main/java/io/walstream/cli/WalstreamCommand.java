package io.walstream.cli;

import io.walstream.cli.command.ArchiveCommand;
import io.walstream.cli.command.BrokerCommand;
import io.walstream.cli.command.CancelRestoreCommand;
import io.walstream.cli.command.DemoCommand;
import io.walstream.cli.command.ExitCode;
import io.walstream.cli.command.GcCommand;
import io.walstream.cli.command.IngestCommand;
import io.walstream.cli.command.KeysCommand;
import io.walstream.cli.command.PublishCommand;
import io.walstream.cli.command.RequestRestoreCommand;
import io.walstream.cli.command.RequestSnapshotCommand;
import io.walstream.cli.command.RestoreCommand;
import io.walstream.cli.command.RestorePointsCommand;
import io.walstream.cli.command.RestoreStatusCommand;
import io.walstream.cli.command.RestorerCommand;
import io.walstream.cli.command.RetentionCommand;
import io.walstream.cli.command.SnapshotCommand;
import io.walstream.cli.command.VerifyCommand;
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
    description =
        "Archives database change records from Kafka into hash-chained WAL segments in object"
            + " storage, and restores a database from them to any point in time.",
    subcommands = {
      ArchiveCommand.class,
      IngestCommand.class,
      BrokerCommand.class,
      DemoCommand.class,
      PublishCommand.class,
      RestoreCommand.class,
      RestorePointsCommand.class,
      GcCommand.class,
      RetentionCommand.class,
      RequestSnapshotCommand.class,
      SnapshotCommand.class,
      RestorerCommand.class,
      RequestRestoreCommand.class,
      CancelRestoreCommand.class,
      RestoreStatusCommand.class,
      VerifyCommand.class,
      KeysCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes (the same in every command):%n")
public final class WalstreamCommand implements Runnable {
  @Spec private CommandSpec spec;

  /** The configured command line, shared by {@link Main} and the tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new WalstreamCommand());
    cli.setExecutionExceptionHandler(Failures::execution);
    cli.setParameterExceptionHandler(Failures::parameter);
    cli.setExitCodeExceptionMapper(WalstreamCommand::exitCode);
    // The one list of exit codes, from the enum; each command's help lists the codes it uses.
    cli.getCommandSpec().usageMessage().exitCodeList(ExitCode.helpList());
    for (CommandLine sub : cli.getSubcommands().values()) {
      // -V on a command prints the version too, not an empty line.
      sub.getCommandSpec().versionProvider(new VersionProvider());
    }
    return cli;
  }

  /** The exit code of a failure: through its kind, the same for every command. */
  static int exitCode(Throwable e) {
    return ExitCode.of(e).code();
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
