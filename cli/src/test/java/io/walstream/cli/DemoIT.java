package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code walstream demo} end to end from the packaged jar, twice in the same directory. */
class DemoIT {
  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar")).toAbsolutePath();

  @TempDir Path dir;

  private record Run(int code, String output) {}

  private Run demo() throws Exception {
    Process p =
        new ProcessBuilder(
                ChildJvm.jar(JAR, List.of("demo", "--data-dir", dir.resolve("demo").toString())))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), output);
  }

  private static long processesUsing(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
        .count();
  }

  @Test
  void shouldVerifyEverythingAndLeaveNoProcessBehindWhenRunTwice() throws Exception {
    Run first = demo();
    Run second = demo();

    assertThat(first.code()).as(first.output()).isZero();
    assertThat(first.output())
        .contains("(new)")
        .contains("walstream demo: everything verified.")
        .contains("Dead letters  3 on walstream.dlq")
        .contains("invalid-name=1, lsn-regression=1, undecodable=1")
        .contains("requested through walstream.restore.commands")
        .contains("shop at lsn")
        .contains("shop latest")
        .contains("matches the expected state")
        .contains("Verify        clean");
    assertThat(first.output()).doesNotContain(" INFO ").doesNotContain(" WARN ");
    assertThat(second.code()).as(second.output()).isZero();
    assertThat(second.output()).contains("(reset: it held an earlier demo)");
    assertThat(processesUsing(dir)).isZero();
    try (var restores = Files.list(dir.resolve("demo/restores"))) {
      assertThat(restores.map(p -> p.getFileName().toString()))
          .hasSize(2)
          .allMatch(name -> name.endsWith(".db"));
    }
  }

  @Test
  void shouldRefuseADirectoryItDidNotMakeAndDeleteNothing() throws Exception {
    Files.createDirectories(dir.resolve("demo"));
    Files.writeString(dir.resolve("demo/precious.txt"), "keep me");

    Run run = demo();

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.output()).contains("not empty and was not made by an earlier demo");
    assertThat(dir.resolve("demo/precious.txt")).hasContent("keep me");
  }
}
