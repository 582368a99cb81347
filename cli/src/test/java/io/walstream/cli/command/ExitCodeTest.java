package io.walstream.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archive.error.TransientStorageException;
import io.walstream.cli.WalstreamCommand;
import io.walstream.restorer.plan.TargetNotRestorableException;
import io.walstream.restorer.service.CommandIdInUseException;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.error.WalstreamException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ExitCodeTest {
  private static RestoreStatus status(JobState state, ErrorKind kind, String errorClass) {
    return RestoreStatus.newBuilder()
        .setCommandId("j")
        .setState(state)
        .setErrorKind(kind)
        .setErrorClass(errorClass)
        .setUpdatedAt(Instant.parse("2026-11-22T00:00:00Z"))
        .setInstanceId("i")
        .build();
  }

  @Test
  void shouldMapEveryFinalStateAndKindToItsDocumentedExitCode() {
    assertThat(ExitCode.of(status(JobState.SUCCEEDED, null, null)).code()).isZero();
    assertThat(ExitCode.of(status(JobState.REJECTED, ErrorKind.REJECTED, null)).code())
        .isEqualTo(5);
    assertThat(ExitCode.of(status(JobState.CANCELLED, ErrorKind.CANCELLED, null)).code())
        .isEqualTo(6);
    Map<ErrorKind, Integer> expected =
        Map.of(
            ErrorKind.INTEGRITY, 4,
            ErrorKind.TARGET_NOT_RESTORABLE, 3,
            ErrorKind.REJECTED, 5,
            ErrorKind.INVALID_CONFIG, 2,
            ErrorKind.TRANSIENT, 1,
            ErrorKind.PERMANENT, 1,
            ErrorKind.CANCELLED, 6,
            ErrorKind.TIMED_OUT, 7,
            ErrorKind.NOT_AUTHORIZED, 9,
            ErrorKind.UNKNOWN, 1);
    assertThat(expected.keySet()).containsExactlyInAnyOrder(ErrorKind.values());
    expected.forEach(
        (kind, code) ->
            assertThat(ExitCode.of(status(JobState.FAILED, kind, "Whatever")).code())
                .as(kind.toString())
                .isEqualTo(code));
  }

  @Test
  void shouldMapAVersion3StatusByItsErrorClassWhenItHasNoKind() {
    assertThat(ExitCode.of(status(JobState.FAILED, null, "TargetNotRestorableException")).code())
        .isEqualTo(3);
    assertThat(ExitCode.of(status(JobState.FAILED, null, "IntegrityException")).code())
        .isEqualTo(4);
    assertThat(ExitCode.of(status(JobState.FAILED, null, "SQLException")).code()).isEqualTo(1);
  }

  @Test
  void shouldMapEachFailureRaisedHereThroughItsKind() {
    assertThat(ExitCode.of(new IntegrityException("k", "bad")).code()).isEqualTo(4);
    assertThat(ExitCode.of(new TargetNotRestorableException("no")).code()).isEqualTo(3);
    assertThat(ExitCode.of(new CommandIdInUseException("used")).code()).isEqualTo(5);
    assertThat(ExitCode.of(new InvalidConfigException("x")).code()).isEqualTo(2);
    assertThat(ExitCode.of(new TransientStorageException("t", "k", null)).code()).isEqualTo(1);
    assertThat(ExitCode.kindOf(new TransientStorageException("t", "k", null)))
        .isEqualTo(ErrorKind.TRANSIENT);
    assertThat(ExitCode.of(new WalstreamException("x")).code()).isEqualTo(1);
    assertThat(ExitCode.of(new IllegalStateException("bug")).code()).isEqualTo(1);
    assertThat(
            ExitCode.of(
                    new CommandLine.ParameterException(new CommandLine(new VerifyCommand()), "bad"))
                .code())
        .isEqualTo(2);
  }

  @Test
  void shouldListOnlyCodesOfTheOneEnumInEveryCommandsHelp() {
    Set<String> codes =
        Arrays.stream(ExitCode.values())
            .map(c -> Integer.toString(c.code()))
            .collect(Collectors.toSet());
    CommandLine root = WalstreamCommand.commandLine();
    for (CommandLine command : root.getSubcommands().values()) {
      assertThat(command.getCommandSpec().usageMessage().exitCodeList().keySet())
          .as("exit codes in the help of %s", command.getCommandName())
          .allSatisfy(code -> assertThat(codes).contains(code.strip()));
    }
  }
}
