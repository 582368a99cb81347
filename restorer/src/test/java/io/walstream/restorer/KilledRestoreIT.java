package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.testing.KilledRestores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore killed (SIGKILL) midway leaves no output at all; a rerun to the same target resumes
 * after the last committed batch, one to another target starts over, and both clean up.
 */
class KilledRestoreIT {
  @TempDir Path dir;

  @Test
  void shouldLeaveNoOutputWhenKilledMidwayAndSucceedWhenRerun() throws Exception {
    Path archive = shopArchive("archive", 20, 50);
    Path output = dir.resolve("out").resolve("shop.db");
    killAfter(archive, output, 600);

    Restorer.Result result =
        new Restorer(new FileSystemObjectStore(archive))
            .restore("shop", new RestoreTarget.Latest(), SqliteSink.open(output, false));

    assertThat(result.outcome().transactions()).isEqualTo(1000);
    assertThat(result.rowsPerTable().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(2000);
    try (Stream<Path> files = Files.list(output.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("shop.db");
    }
  }

  /** 80 000 records: 40 000 transactions of an order and a customer, lsn 1000 to 40999. */
  private Path bigArchive() {
    return shopArchive("big-archive", 40, 1000);
  }

  private Path shopArchive(String name, int segments, int transactionsPerSegment) {
    return KilledRestores.shopArchive(dir.resolve(name), segments, transactionsPerSegment);
  }

  /** A forked restore into {@code output}, killed with SIGKILL once it applied so many. */
  private void killAfter(Path archive, Path output, int transactions) throws Exception {
    Files.createDirectories(output.getParent());
    KilledRestores.killAfter(
        archive, transactions, dir.resolve("restore.log"), List.of(output.toString()));
    assertThat(output).doesNotExist();
  }

  @Test
  void shouldResumeAfterTheLastCommittedBatchWhenRerunToTheSameTarget() throws Exception {
    Path archive = bigArchive();
    Path output = dir.resolve("resume").resolve("shop.db");
    // Batches commit every 50 000 records: 25 000 transactions are in when it dies at 30 000.
    killAfter(archive, output, 30_000);

    Restorer.Result result =
        new Restorer(new FileSystemObjectStore(archive))
            .restore("shop", new RestoreTarget.Latest(), SqliteSink.open(output, false));

    assertThat(result.outcome().resumedAfterLsn()).isEqualTo(1000L + 25_000 - 1);
    assertThat(result.outcome().transactions()).isEqualTo(15_000);
    assertThat(result.outcome().lastLsn()).isEqualTo(40_999L);
    assertThat(result.rowsPerTable())
        .containsEntry("orders", 40_000L)
        .containsEntry("customers", 40_000L);
    try (Stream<Path> files = Files.list(output.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("shop.db");
    }
  }

  @Test
  void shouldStartOverWhenRerunToAnotherTarget() throws Exception {
    Path archive = bigArchive();
    Path output = dir.resolve("other").resolve("shop.db");
    killAfter(archive, output, 30_000);

    Restorer.Result result =
        new Restorer(new FileSystemObjectStore(archive))
            .restore("shop", new RestoreTarget.AtLsn(10_000), SqliteSink.open(output, false));

    assertThat(result.outcome().resumedAfterLsn()).isNull();
    assertThat(result.outcome().transactions()).isEqualTo(9_001);
    assertThat(result.rowsPerTable())
        .containsEntry("orders", 9_001L)
        .containsEntry("customers", 9_001L);
  }
}
