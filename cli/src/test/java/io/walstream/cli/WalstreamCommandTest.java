package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.Version;
import java.io.PrintWriter;
import java.io.StringWriter;
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
}
