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

  private Run demo(String... more) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(List.of("demo", "--data-dir", dir.resolve("demo").toString()));
    args.addAll(List.of(more));
    Process p = new ProcessBuilder(ChildJvm.jar(JAR, args)).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), output);
  }

  private static boolean startsWith(Path file, String magic) {
    try (var in = Files.newInputStream(file)) {
      return new String(in.readNBytes(magic.length()), StandardCharsets.ISO_8859_1).equals(magic);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long processesUsing(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
        .count();
  }

  @Test
  void shouldVerifyEverythingAndLeaveNoProcessBehindWhenRunTwice() throws Exception {
    Run first = demo();
    // The second run encrypted and signed: the same checks, with the keys.
    Run second = demo("--encrypted");

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
    assertThat(second.output())
        .contains("(reset: it held an earlier demo)")
        .contains("Creating a key-encryption key, the archive's keyset and a signing key")
        .contains("walstream demo: everything verified.")
        .contains("matches the expected state")
        .contains("Verify        clean");
    assertThat(dir.resolve("demo/keys/kek.json")).exists();
    try (var segments = Files.walk(dir.resolve("demo/archive"))) {
      assertThat(segments.filter(p -> p.toString().endsWith(".seg")).toList())
          .isNotEmpty()
          .allMatch(p -> startsWith(p, "WALSENC"));
    }
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
