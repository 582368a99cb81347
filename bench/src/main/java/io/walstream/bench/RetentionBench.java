package io.walstream.bench;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.retention.Expiry;
import io.walstream.archive.retention.Retainer;
import io.walstream.archive.retention.RetentionPlan;
import io.walstream.archive.retention.RetentionPolicy;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.store.ObjectInfo;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.Batch;
import io.walstream.archive.writer.CommitResult;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import io.walstream.schemas.avro.ChangeRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What retention costs and frees: an archive of a bounded state with a snapshot every 250 000
 * records, then {@code --keep-snapshots 1}; the time to plan and to apply, the objects and bytes
 * before and after, and the latest restore before and after (same run).
 */
final class RetentionBench implements Bench.Scenario {
  private static final int PER_SEGMENT = 20_000;
  private static final int SNAPSHOT_EVERY = 250_000;
  private static final String DB = "shop";

  @Override
  public String description() {
    return "retention: plan and apply --keep-snapshots 1 over a history [records=1000000]";
  }

  @Override
  public void run(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    try (WorkDir work = new WorkDir("walstream-retention-bench")) {
      Path dir = work.path().resolve("archive");
      FileSystemObjectStore store = new FileSystemObjectStore(dir);
      write(store, records, work.path());
      long[] before = footprint(store);
      double restoreBefore = restoreSeconds(store, work.path().resolve("before.db"));
      Retainer retainer = new Retainer(store, "bench");
      long start = System.nanoTime();
      RetentionPlan plan =
          retainer.plan(
              List.of(DB), new RetentionPolicy.KeepSnapshots(1), Duration.ZERO, Instant.now());
      double planned = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      List<Expiry> deleted = retainer.apply(plan);
      double applied = (System.nanoTime() - start) / 1e9;
      long[] after = footprint(store);
      double restoreAfter = restoreSeconds(store, work.path().resolve("after.db"));
      System.out.printf(
          "%d records in segments of %d, a snapshot every %d; retention --keep-snapshots 1%n",
          records, PER_SEGMENT, SNAPSHOT_EVERY);
      System.out.println("| measure | before | after |");
      System.out.println("|---|---:|---:|");
      System.out.printf("| objects in the archive | %d | %d |%n", before[0], after[0]);
      System.out.printf(
          "| bytes in the archive | %.1f MB | %.1f MB |%n", before[1] / 1e6, after[1] / 1e6);
      System.out.printf("| restore latest | %.2f s | %.2f s |%n", restoreBefore, restoreAfter);
      System.out.printf(
          "| retention: plan %.2f s, apply %.2f s, %d objects deleted | | |%n",
          planned, applied, deleted.size());
    }
  }

  private static void write(FileSystemObjectStore store, int records, Path work) {
    ArchiveWriter writer = new ArchiveWriter(store, "bench");
    StreamHead head = writer.loadHead(new StreamId(DB, "walstream.changes", 0));
    Workload workload = Workload.bounded(5, 25_000);
    for (int from = 0; from < records; from += PER_SEGMENT) {
      int count = Math.min(PER_SEGMENT, records - from);
      List<ChangeRecord> part = workload.next(DB, count);
      Batch batch = Batch.of(part, from, from + count - 1, from + count - 1, null);
      head = ((CommitResult.Committed) writer.commit(head, batch)).head();
      if ((from + count) % SNAPSHOT_EVERY == 0) {
        new SnapshotBuilder(store, "bench")
            .build(DB, new RestoreTarget.AtLsn(head.lastLsn()), GapPolicy.REFUSE, work);
      }
    }
  }

  /** Objects and bytes stored. */
  private static long[] footprint(FileSystemObjectStore store) {
    long[] total = new long[2];
    new ArchiveReader(store)
        .forEachKey(
            "",
            (ObjectInfo o) -> {
              total[0]++;
              total[1] += o.size();
            });
    return total;
  }

  private static double restoreSeconds(FileSystemObjectStore store, Path output) throws Exception {
    Files.deleteIfExists(output);
    long start = System.nanoTime();
    new Restorer(store).restore(DB, new RestoreTarget.Latest(), SqliteSink.open(output, false));
    return (System.nanoTime() - start) / 1e9;
  }
}
