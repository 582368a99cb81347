package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the packaged, self-contained jar the way the launcher script does. */
class WalstreamJarIT {
  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar"));

  record Result(int exitCode, String stdout, String stderr) {}

  static Result runJar(String... args) throws IOException, InterruptedException {
    assertThat(JAR).as("packaged jar").exists();
    List<String> command = ChildJvm.jar(JAR, List.of(args));
    Path stdout = Files.createTempFile("walstream-out", ".txt");
    Path stderr = Files.createTempFile("walstream-err", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("walstream " + String.join(" ", args) + " did not exit in 60 s");
      }
      return new Result(
          process.exitValue(),
          Files.readString(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  @Test
  void shouldPrintHelpWhenRunFromThePackagedJar() throws Exception {
    Result result = runJar("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).contains("Usage: walstream");
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void shouldExitTwoWhenRunWithoutSubcommand() throws Exception {
    Result result = runJar();

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("Missing subcommand");
  }
}
