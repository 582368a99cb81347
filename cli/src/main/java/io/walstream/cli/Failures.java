package io.walstream.cli;

import io.walstream.cli.command.ExitCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * How a failed command tells the user: one line on stderr naming the command and what went wrong,
 * the exit code of the failure's kind, and, when the command was asked for {@code --json}, a JSON
 * error object on stdout, so that a script reading JSON gets JSON either way. Stack traces go to
 * the log only, at debug for expected failures (walstream's own, files, usage), so never to the
 * terminal unless asked for.
 */
final class Failures {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  /** Reports a failure of a command's own code; its exit code. */
  static int execution(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
    if (expected(e)) {
      LOG.debug("{} failed", command.getCommandName(), e);
    } else {
      LOG.error("{} failed unexpectedly", command.getCommandName(), e);
    }
    return report(command, e, wantsJson(parseResult));
  }

  /** Reports a wrong argument or option; exit code 2. */
  static int parameter(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    LOG.debug("{}: bad arguments", command.getCommandName(), e);
    boolean json = false;
    for (String arg : args) {
      json |= arg.equals("--json");
    }
    return report(command, e, json);
  }

  private static int report(CommandLine command, Exception e, boolean json) {
    ExitCode code = ExitCode.of(e);
    String message = describe(e);
    String name = qualifiedName(command);
    command.getErr().println(name + ": " + message);
    if (e instanceof CommandLine.ParameterException) {
      // The command's usage line, so that the right form is in view; the rest is in --help.
      command.getErr().print("Usage: " + command.getHelp().synopsis("Usage: ".length()));
      command.getErr().println("See '" + name + " --help' for more.");
    }
    command.getErr().flush();
    if (json) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("command", name);
      error.put("kind", ExitCode.kindOf(e).toString());
      error.put("exitCode", code.code());
      error.put("message", message);
      command.getOut().println(io.walstream.cli.command.JsonOutput.write(Map.of("error", error)));
      command.getOut().flush();
    }
    return code.code();
  }

  private static boolean wantsJson(CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult leaf = parseResult;
    while (leaf != null && leaf.subcommand() != null) {
      leaf = leaf.subcommand();
    }
    return leaf != null && leaf.hasMatchedOption("--json");
  }

  private static String qualifiedName(CommandLine command) {
    return command.getCommandSpec().qualifiedName();
  }

  /** Walstream's own failures, and the files and arguments a user gets wrong. */
  private static boolean expected(Throwable e) {
    return e instanceof io.walstream.schemas.error.WalstreamException
        || e instanceof IOException
        || e instanceof UncheckedIOException
        || e instanceof CommandLine.ParameterException;
  }

  /** One line: the message, in words for the file errors whose message is only a path. */
  static String describe(Throwable e) {
    if (e instanceof UncheckedIOException u && u.getCause() != null) {
      String outer = u.getMessage();
      String inner = describe(u.getCause());
      return outer == null || outer.equals(u.getCause().toString()) ? inner : outer + ": " + inner;
    }
    if (e instanceof NoSuchFileException f) {
      return f.getFile() + ": no such file or directory";
    }
    if (e instanceof AccessDeniedException f) {
      return f.getFile() + ": permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getFile() + ": " + f.getReason();
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message.strip().replace('\n', ' ');
  }
}
