package io.walstream.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RequestRestoreCommandTest {
  private static RestoreStatus status(JobState state, String errorClass) {
    return RestoreStatus.newBuilder()
        .setCommandId("j")
        .setState(state)
        .setErrorClass(errorClass)
        .setUpdatedAt(Instant.parse("2026-11-22T00:00:00Z"))
        .setInstanceId("i")
        .build();
  }

  @Test
  void shouldMapEveryFinalStateToItsDocumentedExitCode() {
    assertThat(RequestRestoreCommand.exitCode(status(JobState.SUCCEEDED, null))).isZero();
    assertThat(RequestRestoreCommand.exitCode(status(JobState.REJECTED, null))).isEqualTo(5);
    assertThat(RequestRestoreCommand.exitCode(status(JobState.CANCELLED, null))).isEqualTo(6);
    assertThat(
            RequestRestoreCommand.exitCode(status(JobState.FAILED, "TargetNotRestorableException")))
        .isEqualTo(3);
    assertThat(RequestRestoreCommand.exitCode(status(JobState.FAILED, "IntegrityException")))
        .isEqualTo(4);
    assertThat(RequestRestoreCommand.exitCode(status(JobState.FAILED, "SQLException")))
        .isEqualTo(1);
  }

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
          {"--latest", "--output", "a.db", "--schema", "s"}
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
              "exactly one of --output and --jdbc is required|--schema needs --jdbc");
    }
  }
}
