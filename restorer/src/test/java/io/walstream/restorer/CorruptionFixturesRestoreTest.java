package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.plan.TargetNotRestorableException;
import io.walstream.restorer.sink.SqliteSink;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every corruption fixture of archive-core (one folder per scenario) must make restore fail closed
 * with an integrity error naming a key, and leave no output; the clean ones must restore.
 */
class CorruptionFixturesRestoreTest {
  @TempDir Path dir;

  static List<String> scenarios() throws Exception {
    return withFixtures(
        root -> {
          try (Stream<Path> folders = Files.list(root)) {
            return folders.map(p -> p.getFileName().toString().replace("/", "")).sorted().toList();
          }
        });
  }

  interface FixtureAction<T> {
    T apply(Path root) throws IOException;
  }

  /** Runs {@code action} on the fixtures folder, whether it is a directory or inside a jar. */
  static <T> T withFixtures(FixtureAction<T> action) throws Exception {
    URL url = CorruptionFixturesRestoreTest.class.getResource("/corruption");
    URI uri = url.toURI();
    if (uri.getScheme().equals("jar")) {
      try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
        return action.apply(jar.getPath("/corruption"));
      }
    }
    return action.apply(Path.of(uri));
  }

  private Path copy(String scenario) throws Exception {
    Path target = dir.resolve(scenario);
    withFixtures(
        root -> {
          Path source = root.resolve(scenario);
          try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : paths.toList()) {
              Path to = target.resolve(source.relativize(p).toString());
              if (Files.isDirectory(p)) {
                Files.createDirectories(to);
              } else {
                Files.copy(p, to);
              }
            }
          }
          return null;
        });
    return target;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void shouldFailClosedExactlyWhenVerifyFindsErrors(String scenario) throws Exception {
    Path folder = copy(scenario);
    List<String> findings =
        Files.readAllLines(folder.resolve("expected-findings.txt"), StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank())
            .toList();
    List<String> incomplete =
        findings.stream().filter(l -> l.startsWith("INCOMPLETE_TRANSACTION ")).toList();
    findings = findings.stream().filter(l -> !incomplete.contains(l)).toList();
    List<String> errors = findings.stream().filter(l -> !l.startsWith("GAP")).toList();
    FileSystemObjectStore store = new FileSystemObjectStore(folder.resolve("archive"));
    Path output = dir.resolve(scenario + ".db");
    boolean verifyClean = new ChainVerifier(store).verifyAll().clean();

    if (!errors.isEmpty()) {
      assertThatThrownBy(() -> restoreLatest(store, output, GapPolicy.ACCEPT))
          .isInstanceOfSatisfying(
              IntegrityException.class,
              e -> assertThat(errors).anyMatch(line -> line.endsWith(" " + e.key())))
          .hasMessageStartingWith("Cannot ");
      assertNothingLeft(output);
      assertThat(verifyClean).isFalse();
    } else if (findings.size() > errors.size()) {
      // Only recorded gaps: refused as not restorable, restored when the gaps are accepted.
      assertThatThrownBy(() -> restoreLatest(store, output, GapPolicy.REFUSE))
          .isInstanceOf(TargetNotRestorableException.class)
          .hasMessageContaining(findings.get(0).substring("GAP ".length()));
      assertNothingLeft(output);
      Restorer.Result accepted = restoreLatest(store, output, GapPolicy.ACCEPT);
      assertThat(accepted.plan().gapsCrossed()).hasSize(findings.size());
      assertThat(output).exists();
      assertThat(verifyClean).isTrue();
    } else {
      // Clean, or with incomplete transactions only: those are left out and reported.
      Restorer.Result result = restoreLatest(store, output, GapPolicy.REFUSE);
      assertThat(output).exists();
      assertThat(verifyClean).isTrue();
      assertThat(result.outcome().incomplete().transactions()).isEqualTo(incomplete.size());
    }
  }

  private static Restorer.Result restoreLatest(
      FileSystemObjectStore store, Path output, GapPolicy gaps) {
    return new Restorer(store)
        .restore(
            "shop",
            new RestoreTarget.Latest(),
            gaps,
            SqliteSink.open(output, false),
            io.walstream.restorer.apply.Progress.NONE);
  }

  private void assertNothingLeft(Path output) throws Exception {
    assertThat(output).doesNotExist();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }
}
