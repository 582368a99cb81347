package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.Version;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WalstreamCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = WalstreamCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void shouldPrintUsageWhenAskedForHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: walstream").contains("--version");
  }

  @Test
  void shouldPrintTheProjectVersionWhenAskedForVersion() {
    assertThat(run("--version")).isZero();
    assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(out.toString().strip()).isEqualTo("walstream " + Version.current());
  }

  @Test
  void shouldExitWithUsageErrorWhenNoSubcommandIsGiven() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing subcommand");
  }

  @Test
  void shouldExitWithUsageErrorWhenOptionIsUnknown() {
    assertThat(run("--frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--frobnicate'");
  }

  private static String flat(String text) {
    return text.replaceAll("\\s+", " ");
  }

  @Test
  void shouldListEveryCommandWithAWholeSentenceWhenAskedForHelp() {
    assertThat(run("--help")).isZero();

    for (CommandLine command : WalstreamCommand.commandLine().getSubcommands().values()) {
      if (command.getCommandName().equals("help")) {
        continue;
      }
      String[] header = command.getCommandSpec().usageMessage().header();
      assertThat(header).as("header of %s", command.getCommandName()).hasSize(1);
      assertThat(header[0]).endsWith(".");
      assertThat(flat(out.toString())).contains(command.getCommandName() + " " + flat(header[0]));
      // One paragraph that picocli wraps, never lines cut by hand.
      assertThat(command.getCommandSpec().usageMessage().description())
          .as("description of %s", command.getCommandName())
          .hasSize(1);
    }
  }

  @Test
  void shouldListTheSharedExitCodesAtTheEndOfTheHelp() {
    assertThat(run("--help")).isZero();
    assertThat(run("restore", "--help")).isZero();

    String help = out.toString();
    for (io.walstream.cli.command.ExitCode code : io.walstream.cli.command.ExitCode.values()) {
      assertThat(flat(help)).contains(code.code() + " " + flat(code.meaning()));
    }
    assertThat(help.strip()).endsWith("without --reseed)");
    assertThat(help).contains("Exit codes (the same in every command):");
  }

  @Test
  void shouldPrintTheVersionWhenACommandIsAskedForIt() {
    assertThat(run("verify", "-V")).isZero();
    assertThat(out.toString().strip()).isEqualTo("walstream " + Version.current());
  }

  @Test
  void shouldNameTheOptionAndShowTheUsageLineWhenAnOptionIsMissing() {
    assertThat(run("restore", "--archive", "file:///tmp/a", "--latest", "--output", "a.db"))
        .isEqualTo(2);

    List<String> lines = err.toString().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo("walstream restore: Missing required option: '--database=<database>'");
    assertThat(lines.get(1)).startsWith("Usage: walstream restore ");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("See 'walstream restore --help' for more.");
    assertThat(err.toString()).doesNotContain("\tat ").doesNotContain("--accept-gaps  ");
  }
}
