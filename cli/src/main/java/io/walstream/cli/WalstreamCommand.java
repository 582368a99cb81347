package io.walstream.cli;

import io.walstream.cli.command.ArchiveCommand;
import io.walstream.cli.command.BrokerCommand;
import io.walstream.cli.command.CancelRestoreCommand;
import io.walstream.cli.command.DemoCommand;
import io.walstream.cli.command.PublishCommand;
import io.walstream.cli.command.RequestRestoreCommand;
import io.walstream.cli.command.RestoreCommand;
import io.walstream.cli.command.RestorePointsCommand;
import io.walstream.cli.command.RestoreStatusCommand;
import io.walstream.cli.command.RestorerCommand;
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
    description = {
      "Archives database change records from Kafka into hash-chained WAL segments in object",
      "storage, and restores a database from them to any point in time."
    },
    subcommands = {
      ArchiveCommand.class,
      BrokerCommand.class,
      DemoCommand.class,
      PublishCommand.class,
      RestoreCommand.class,
      RestorePointsCommand.class,
      RestorerCommand.class,
      RequestRestoreCommand.class,
      CancelRestoreCommand.class,
      RestoreStatusCommand.class,
      VerifyCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failure", "2:usage error"})
public final class WalstreamCommand implements Runnable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(WalstreamCommand.class);

  @Spec private CommandSpec spec;

  /** The configured command line, shared by {@link Main} and the tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new WalstreamCommand());
    cli.setExecutionExceptionHandler(WalstreamCommand::handleFailure);
    cli.setExitCodeExceptionMapper(WalstreamCommand::exitCode);
    return cli;
  }

  /** 3: target not restorable; 4: integrity failure; 2: bad input; 1: anything else. */
  static int exitCode(Throwable e) {
    if (e instanceof io.walstream.restorer.plan.TargetNotRestorableException) {
      return 3;
    }
    if (e instanceof io.walstream.archive.error.IntegrityException) {
      return 4;
    }
    if (e instanceof io.walstream.restorer.service.CommandIdInUseException) {
      // As a REJECTED command: nothing was run for it.
      return 5;
    }
    if (e instanceof CommandLine.ParameterException
        || e instanceof io.walstream.archive.error.InvalidConfigException) {
      return 2;
    }
    return 1;
  }

  /**
   * Reports a failure as one line naming the command and what went wrong; the stack trace goes to
   * the log (at debug for walstream's own, expected errors), never to the terminal.
   */
  private static int handleFailure(
      Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
    command.getErr().println("walstream " + command.getCommandName() + ": " + e.getMessage());
    if (e instanceof io.walstream.schemas.error.WalstreamException
        || e instanceof java.io.UncheckedIOException) {
      LOG.debug("{} failed", command.getCommandName(), e);
    } else {
      LOG.error("{} failed unexpectedly", command.getCommandName(), e);
    }
    return command.getExitCodeExceptionMapper() != null
        ? command.getExitCodeExceptionMapper().getExitCode(e)
        : 1;
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
