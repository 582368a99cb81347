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

  private static void snapshotAt(Path archive, long lsn, Path work) {
    new io.walstream.restorer.snapshot.SnapshotBuilder(new FileSystemObjectStore(archive), "it")
        .build(
            "shop",
            new RestoreTarget.AtLsn(lsn),
            io.walstream.restorer.plan.GapPolicy.REFUSE,
            work);
  }

  @Test
  void shouldResumeAfterTheSnapshotAndTheLastCommittedBatchWhenKilledAfterLoadingIt()
      throws Exception {
    Path archive = bigArchive();
    snapshotAt(archive, 20_999, dir);
    Path output = dir.resolve("snap-resume").resolve("shop.db");
    // 40 000 snapshot rows, then 2 records a transaction: the first commit, at 50 000 records,
    // holds the snapshot and the transactions up to lsn 25 999; it dies at the 15 000th.
    killAfter(archive, output, 15_000);

    Restorer.Result result =
        new Restorer(new FileSystemObjectStore(archive))
            .restore("shop", new RestoreTarget.Latest(), SqliteSink.open(output, false));

    assertThat(result.plan().snapshot().snapshot().lsn()).isEqualTo(20_999);
    assertThat(result.outcome().resumedAfterLsn()).isEqualTo(25_999L);
    assertThat(result.outcome().transactions()).isEqualTo(15_000);
    assertThat(result.outcome().lastLsn()).isEqualTo(40_999L);
    assertThat(result.rowsPerTable())
        .containsEntry("orders", 40_000L)
        .containsEntry("customers", 40_000L);
  }

  @Test
  void shouldLoadTheSnapshotAgainWhenKilledBeforeAnyTransactionAfterItCommitted() throws Exception {
    Path archive = bigArchive();
    snapshotAt(archive, 30_999, dir);
    Path output = dir.resolve("snap-again").resolve("shop.db");
    // 60 000 snapshot rows commit once, at 50 000, with no position; it dies at the first
    // transaction after them.
    killAfter(archive, output, 1);

    Restorer.Result result =
        new Restorer(new FileSystemObjectStore(archive))
            .restore("shop", new RestoreTarget.Latest(), SqliteSink.open(output, false));

    assertThat(result.outcome().resumedAfterLsn()).isNull();
    assertThat(result.outcome().transactions()).isEqualTo(10_000);
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
