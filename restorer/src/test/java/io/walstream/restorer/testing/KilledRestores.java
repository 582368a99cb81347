package io.walstream.restorer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.schemas.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** Archives to restore and forked restores killed with SIGKILL part way, for crash tests. */
public final class KilledRestores {
  private KilledRestores() {}

  /**
   * {@code segments} segments of {@code transactionsPerSegment} transactions of an order and a
   * customer each for {@code shop}, from lsn 1000, in {@code archive}.
   */
  public static Path shopArchive(Path archive, int segments, int transactionsPerSegment) {
    Records.archive(
        new ArchiveWriter(new FileSystemObjectStore(archive), "test"),
        new StreamId("shop", "walstream.changes", 0),
        1000,
        segments,
        transactionsPerSegment,
        2);
    return archive;
  }

  /**
   * Runs {@link RestoreProcess} with {@code args} after the archive, waits until it has applied
   * {@code transactions} transactions, kills it with SIGKILL and checks that it died of it.
   */
  public static void killAfter(Path archive, int transactions, Path log, List<String> sink)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(archive.toString()));
    args.add(sink.get(0));
    args.add(Integer.toString(transactions));
    args.addAll(sink.subList(1, sink.size()));
    Process process =
        new ProcessBuilder(ChildJvm.main(List.of(), RestoreProcess.class, args))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      Awaitility.await("restore process applied " + transactions + " transactions, see " + log)
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  !process.isAlive()
                      || Files.readString(log, StandardCharsets.UTF_8)
                          .contains(RestoreProcess.MARKER + " " + transactions));
      assertThat(process.isAlive()).as("restore process alive, see %s", log).isTrue();
    } finally {
      // On Linux destroyForcibly sends SIGKILL: nothing in the process runs any more.
      process.destroyForcibly();
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(137);
  }
}
