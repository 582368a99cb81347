package io.walstream.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.format.StoredKeyset;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.verify.ArchiveReport;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.schemas.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process rotating and rewrapping the keyset at random moments: afterwards every keyset
 * object is whole, exactly one of the two KEKs opens the keyset, and every segment written before
 * still decrypts and verifies with it.
 */
class KeysetCrashIT {
  private static final StreamId STREAM = new StreamId("shop", "walstream.changes", 0);

  @TempDir Path dir;

  /** Reads the child's output up to its "ready" line (logging may print before it). */
  private static boolean awaitReady(BufferedReader out) throws java.io.IOException {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.equals("ready")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void shouldLeaveAKeysetOneKekOpensAndEverySegmentReadableWhenKilledAtRandom() throws Exception {
    Path root = dir.resolve("archive");
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    LocalKek a = LocalKek.create(dir.resolve("a.json"));
    LocalKek b = LocalKek.create(dir.resolve("b.json"));
    new ArchiveKeysets(store).init(a);
    Records.archive(
        new ArchiveWriter(store, "test", 3, Keyring.open(store, a)), STREAM, 1, 3, 4, 2);

    for (int round = 0; round < 5; round++) {
      Process child =
          new ProcessBuilder(
                  ChildJvm.main(
                      List.of("-Xmx256m"),
                      KeysetCrashChild.class,
                      List.of(root.toString(), a.source(), b.source())))
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(awaitReady(out)).isTrue();
      Awaitility.await()
          .pollDelay(Duration.ofMillis(200L + 170L * round))
          .atMost(Duration.ofSeconds(5))
          .until(child::isAlive);
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

      ArchiveKeysets keysets = new ArchiveKeysets(store);
      // Every version decodes: none is half-written.
      List<StoredKeyset> versions = keysets.versions();
      assertThat(versions).isNotEmpty();
      boolean byA = KeysetCrashChild.opens(keysets, a);
      boolean byB = KeysetCrashChild.opens(keysets, b);
      assertThat(byA ^ byB)
          .as("exactly one KEK opens version %d", versions.get(versions.size() - 1).version())
          .isTrue();
      Keyring keys = Keyring.open(store, byA ? a : b);
      ArchiveReport report = new ChainVerifier(store, keys).verifyAll();
      assertThat(report.clean()).as("%s", report.errors()).isTrue();
      assertThat(report.undecodedSegments()).isZero();
      assertThat(report.records()).isEqualTo(3 * 4 * 2);
    }
    assertThat(new ArchiveKeysets(store).head().orElseThrow().version())
        .as("the child got some work done")
        .isGreaterThan(4);
  }
}
