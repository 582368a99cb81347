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
      return SqliteRows.keys(output, "id");
    } catch (java.sql.SQLException e) {
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

  /** The lsn of the follow position the file holds, or -1 when it holds none (yet). */
  private long position() {
    if (!Files.exists(output)) {
      return -1;
    }
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + output);
        var rs = c.createStatement().executeQuery("SELECT lsn FROM _walstream_follow")) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (java.sql.SQLException e) {
      return -1;
    }
  }

  @Test
  void shouldHoldExactlyItsPositionAfterEveryKillMinusNineAndGoOn() throws Exception {
    java.util.Random random = new java.util.Random(42);
    int kills = 20 * Math.max(1, Integer.getInteger("walstream.soak", 1));
    int checked = 0;
    for (int kill = 0; kill < kills; kill++) {
      Process p = follow();
      try {
        segments(1);
        // Killed at a random moment: restoring, between rounds or in one.
        await()
            .pollDelay(Duration.ofMillis(800 + random.nextInt(2200)))
            .atMost(Duration.ofSeconds(5))
            .until(() -> true);
      } finally {
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      long lsn = position();
      if (lsn >= 0) {
        assertThat(actual()).as("after kill %d at lsn %d", kill, lsn).isEqualTo(growing.model(lsn));
        checked++;
      }
    }
    assertThat(checked).as("kills after the first restore had committed").isGreaterThan(kills / 2);
    Process last = follow();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> actual().equals(model()));
    } finally {
      last.destroy();
      last.waitFor(60, TimeUnit.SECONDS);
    }
    assertThat(actual()).isEqualTo(model());
    assertThat(position()).isEqualTo(growing.lastLsn());
    try (var logs = Files.list(dir)) {
      assertThat(logs.filter(f -> f.getFileName().toString().startsWith("follow-")).toList())
          .anySatisfy(log -> assertThat(Files.readString(log)).contains("CONTINUED"));
    }
  }
}
