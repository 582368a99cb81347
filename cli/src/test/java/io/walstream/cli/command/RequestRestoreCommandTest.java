package io.walstream.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RequestRestoreCommandTest {
  @Test
  void shouldParseShortAndIsoDurationsAndNameTheOptionWhenInvalid() {
    CommandLine cli = new CommandLine(new RequestRestoreCommand());

    assertThat(Durations.parse(cli, "--timeout", "90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse(cli, "--timeout", "10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse(cli, "--timeout", "2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse(cli, "--timeout", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse(cli, "--timeout", "PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> Durations.parse(cli, "--timeout", "soon"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--timeout 'soon' is not a duration");
  }

  @Test
  void shouldRequireExactlyOneDestinationAndSchemaOnlyWithJdbcWhenRequesting() {
    for (String[] args :
        new String[][] {
          {"--latest"},
          {"--latest", "--output", "a.db", "--jdbc", "jdbc:postgresql://db/x"},
          {"--latest", "--output", "a.db", "--schema", "s"},
          {"--latest", "--output", "a.db", "--topic", "t"}
        }) {
      RequestRestoreCommand command = new RequestRestoreCommand();
      CommandLine cli = new CommandLine(command);
      String[] full = new String[args.length + 4];
      System.arraycopy(
          new String[] {"--bootstrap-servers", "localhost:1", "--database", "shop"}, 0, full, 0, 4);
      System.arraycopy(args, 0, full, 4, args.length);
      cli.parseArgs(full);

      assertThatThrownBy(() -> command.what.requireOneDestination(cli))
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageMatching(
              "exactly one of --output, --jdbc and --topic is required|--schema needs --jdbc");
    }
  }
}
