package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.GrowingArchive;
import io.walstream.restorer.sink.SqliteRows;
import io.walstream.schemas.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code walstream restore --follow} from the packaged jar: it follows an archive that grows, stops
 * on SIGTERM with exit 0 and the round in hand committed, and after {@code kill -9} goes on from
 * the position the file holds.
 */
class FollowCommandIT {
  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar")).toAbsolutePath();
  @TempDir Path dir;
  private Path archive;
  private GrowingArchive growing;
  private Path output;

  @BeforeEach
  void archive() {
    archive = dir.resolve("archive");
    growing = new GrowingArchive(new FileSystemObjectStore(archive), 100).segments(3);
    output = dir.resolve("follower.db");
  }

  private void segments(int n) {
    growing.segments(n);
  }

  private Map<String, TreeSet<Long>> model() {
    return growing.model();
  }

  private Map<String, TreeSet<Long>> actual() {
    try {
      Map<String, TreeSet<Long>> tables = new TreeMap<>();
      SqliteRows.read(output, "id")
          .forEach(
              (table, rows) -> {
                TreeSet<Long> ids = new TreeSet<>();
                rows.keySet().forEach(id -> ids.add(((Number) id).longValue()));
                tables.put(table, ids);
              });
      return tables;
    } catch (Exception e) {
      // Not there yet, or being replaced: not equal.
      return Map.of();
    }
  }

  private Process follow() throws Exception {
    return new ProcessBuilder(
            ChildJvm.jar(
                JAR,
                List.of(
                    "restore",
                    "--archive",
                    archive.toUri().toString(),
                    "--database",
                    "shop",
                    "--latest",
                    "--output",
                    output.toString(),
                    "--follow",
                    "--poll-interval",
                    "100ms")))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("follow-" + System.nanoTime() + ".log").toFile())
        .start();
  }

  @Test
  void shouldFollowTheArchiveAndStopCleanlyOnSigterm() throws Exception {
    Process p = follow();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> actual().equals(model()));
      segments(2);
      await().atMost(Duration.ofSeconds(30)).until(() -> actual().equals(model()));

      p.destroy();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("SIGTERM: the round in hand committed, then exit 0").isZero();
    } finally {
      p.destroyForcibly();
    }
    assertThat(actual()).isEqualTo(model());
  }

  @Test
  void shouldGoOnFromItsPositionAfterKillMinusNine() throws Exception {
    for (int kill = 0; kill < 3; kill++) {
      Process p = follow();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> actual().equals(model()));
        // Killed right after a new segment lands: before, during or after the round applying it.
        segments(1);
      } finally {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
    Process last = follow();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> actual().equals(model()));
    } finally {
      last.destroy();
      last.waitFor(60, TimeUnit.SECONDS);
    }
    assertThat(actual()).isEqualTo(model());
    try (var logs = Files.list(dir)) {
      assertThat(logs.filter(f -> f.getFileName().toString().startsWith("follow-")).toList())
          .anySatisfy(log -> assertThat(Files.readString(log)).contains("CONTINUED"));
    }
  }
}
