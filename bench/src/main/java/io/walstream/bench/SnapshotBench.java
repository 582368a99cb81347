package io.walstream.bench;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.Batch;
import io.walstream.archive.writer.CommitResult;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import io.walstream.schemas.avro.ChangeRecord;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Restores with and without snapshots in the same run: the latest state after a snapshot covering
 * 90% of the history against a full replay; snapshot build throughput against restore throughput;
 * the heap of a real {@code walstream snapshot} under {@code -Xmx256m}; and restore time against
 * history length, with a snapshot every 250 000 records, drawn as a chart.
 */
final class SnapshotBench implements Bench.Scenario {
  private static final int PER_SEGMENT = 20_000;
  private static final int SNAPSHOT_EVERY = 250_000;
  private static final String DB = "shop";

  @Override
  public String description() {
    return "snapshots: restore with and without [records=1000000]"
        + " [curve=100000,1000000,3000000] [jar=cli/target/walstream.jar|none]"
        + " [chart=docs/snapshot-restore-curve.png]";
  }

  /** An archive written for the bench: its records, and the last lsn after each segment. */
  private record Archive(Path dir, int records, List<long[]> segmentEnds) {
    /** The lsn of the last transaction within the first {@code fraction} of the records. */
    long lsnAt(double fraction) {
      long lsn = segmentEnds.get(0)[1];
      for (long[] end : segmentEnds) {
        if (end[0] <= records * fraction) {
          lsn = end[1];
        }
      }
      return lsn;
    }

    FileSystemObjectStore store() {
      return new FileSystemObjectStore(dir);
    }
  }

  @Override
  public void run(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String[] curve = (args.length > 1 ? args[1] : "100000,1000000,3000000").split(",");
    String jar = args.length > 2 ? args[2] : "cli/target/walstream.jar";
    Path chart = Path.of(args.length > 3 ? args[3] : "docs/snapshot-restore-curve.png");
    try (WorkDir work = new WorkDir("walstream-snapshot-bench")) {
      ninetyPercent(records, work.path().resolve("bounded"), "none", 25_000);
      ninetyPercent(records, work.path().resolve("growing"), jar, 0);
    }
    if (!curve[0].equals("none")) {
      curve(curve, chart);
    }
  }

  private static Archive write(Path dir, int records, int keySpace) {
    ArchiveWriter writer = new ArchiveWriter(new FileSystemObjectStore(dir), "bench");
    StreamId stream = new StreamId(DB, "walstream.changes", 0);
    StreamHead head = writer.loadHead(stream);
    Workload workload = keySpace > 0 ? Workload.bounded(5, keySpace) : new Workload(5);
    List<long[]> ends = new ArrayList<>();
    for (int from = 0; from < records; from += PER_SEGMENT) {
      int count = Math.min(PER_SEGMENT, records - from);
      List<ChangeRecord> part = workload.next(DB, count);
      Batch batch = Batch.of(part, from, from + count - 1, from + count - 1, null);
      head = ((CommitResult.Committed) writer.commit(head, batch)).head();
      ends.add(new long[] {from + count, part.get(part.size() - 1).getLsn()});
    }
    return new Archive(dir, records, ends);
  }

  private static double restoreSeconds(Archive archive, Restorer.SnapshotUse use, Path output)
      throws Exception {
    Files.deleteIfExists(output);
    long start = System.nanoTime();
    new Restorer(archive.store())
        .using(use)
        .restore(DB, new RestoreTarget.Latest(), SqliteSink.open(output, false));
    return (System.nanoTime() - start) / 1e9;
  }

  private static SnapshotBuilder.Result snapshot(Archive archive, long lsn, Path work) {
    return new SnapshotBuilder(archive.store(), "bench")
        .build(DB, new RestoreTarget.AtLsn(lsn), GapPolicy.REFUSE, work);
  }

  /** With {@code keySpace} ids per table, or (0) a state that grows with the history. */
  private static void ninetyPercent(int records, Path work, String jar, int keySpace)
      throws Exception {
    Files.createDirectories(work);
    Archive archive = write(work.resolve("archive"), records, keySpace);
    long at = archive.lsnAt(0.9);
    double full = restoreSeconds(archive, Restorer.SnapshotUse.IGNORE, work.resolve("full.db"));
    SnapshotBuilder.Result built = snapshot(archive, at, work);
    double build = built.duration().toNanos() / 1e9;
    double withSnapshot = Double.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      full =
          Math.min(
              full, restoreSeconds(archive, Restorer.SnapshotUse.IGNORE, work.resolve("full.db")));
      withSnapshot =
          Math.min(
              withSnapshot,
              restoreSeconds(archive, Restorer.SnapshotUse.LATEST, work.resolve("s.db")));
    }
    long covered = (long) (records * 0.9);
    System.out.printf(
        "%s: %d records; snapshot at lsn %d covers %d records and holds %d rows (%.1f MB in %d"
            + " chunks)%n",
        keySpace > 0
            ? "state bounded to " + keySpace + " ids a table"
            : "state growing with the history",
        records,
        at,
        covered,
        built.snapshot().snapshot().rows(),
        built.snapshot().snapshot().bytes() / 1e6,
        built.snapshot().snapshot().chunks().size());
    System.out.println("| measure | value | goal |");
    System.out.println("|---|---:|---|");
    System.out.printf("| restore latest, full replay | %.2f s | |%n", full);
    System.out.printf("| restore latest from the 90%% snapshot | %.2f s | |%n", withSnapshot);
    System.out.printf("| ratio with snapshot ÷ without | %.2f | ≤ 0.20 |%n", withSnapshot / full);
    System.out.printf(
        "| snapshot build: %d records in %.2f s | %.0f records/s | |%n",
        covered, build, covered / build);
    System.out.printf(
        "| snapshot build throughput ÷ restore throughput | %.2f | ≥ 0.80 |%n",
        (covered / build) / (records / full));
    if (!jar.equals("none")) {
      Archive copy = write(work.resolve("archive-copy"), records, keySpace);
      System.out.printf(
          "| max heap after GC of `walstream snapshot` under -Xmx256m (%d records) | %d MiB | steady |%n",
          records, snapshotProcessHeap(Path.of(jar), copy, at, work));
    }
  }

  /** Restore time against history length, with and without a snapshot every 250 000 records. */
  private static void curve(String[] sizes, Path chart) throws Exception {
    List<double[]> without = new ArrayList<>();
    List<double[]> with = new ArrayList<>();
    System.out.println(
        "| records (state: at most 100 000 rows, 25 000 ids a table) | snapshots | restore without s | restore with s |"
            + " with ÷ without |");
    System.out.println("|---:|---:|---:|---:|---:|");
    for (String size : sizes) {
      int records = Integer.parseInt(size.trim());
      try (WorkDir work = new WorkDir("walstream-snapshot-curve")) {
        Archive archive = write(work.path().resolve("archive"), records, 25_000);
        int snapshots = 0;
        for (int at = SNAPSHOT_EVERY; at <= records; at += SNAPSHOT_EVERY) {
          snapshot(archive, archive.lsnAt((double) at / records), work.path());
          snapshots++;
        }
        double a = Double.MAX_VALUE;
        double b = Double.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
          a =
              Math.min(
                  a,
                  restoreSeconds(
                      archive, Restorer.SnapshotUse.IGNORE, work.path().resolve("a.db")));
          b =
              Math.min(
                  b,
                  restoreSeconds(
                      archive, Restorer.SnapshotUse.LATEST, work.path().resolve("b.db")));
        }
        without.add(new double[] {records, a});
        with.add(new double[] {records, b});
        System.out.printf("| %d | %d | %.2f | %.2f | %.2f |%n", records, snapshots, a, b, b / a);
      }
    }
    Files.createDirectories(chart.toAbsolutePath().getParent());
    LineChart.write(
        chart,
        "Restore of the latest state against history length (state: 100 000 rows)",
        "records archived",
        "seconds",
        List.of(
            new LineChart.Series("full replay (--no-snapshot)", new Color(200, 60, 40), without),
            new LineChart.Series(
                "from the latest snapshot (one per 250 000 records)",
                new Color(30, 110, 200),
                with)));
    System.out.println("chart: " + chart);
  }

  /** Runs the real CLI snapshot in its own JVM under -Xmx256m; the max heap after GC, in MiB. */
  private static long snapshotProcessHeap(Path jar, Archive archive, long lsn, Path work)
      throws Exception {
    return CliProcess.maxHeapAfterGcMiB(
        jar,
        "256m",
        work,
        "snapshot",
        List.of(
            "snapshot",
            "--archive",
            archive.dir().toUri().toString(),
            "--database",
            DB,
            "--lsn",
            Long.toString(lsn),
            "--work-dir",
            work.toString()));
  }
}
