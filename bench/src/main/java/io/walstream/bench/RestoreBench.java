package io.walstream.bench;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.Batch;
import io.walstream.archive.writer.CommitResult;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.JdbcSink;
import io.walstream.restorer.sink.PostgresSink;
import io.walstream.restorer.sink.Sink;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.schemas.avro.ChangeRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Restore throughput against the limit in the same run (the same change sequence applied from
 * memory with plain batched JDBC upserts in one thread), into SQLite and, when a server answers,
 * PostgreSQL; the growth curve over archive sizes; and the heap of a real {@code walstream restore}
 * process under {@code -Xmx256m}.
 */
final class RestoreBench implements Bench.Scenario {
  private static final int PER_SEGMENT = 20_000;
  private static final int CHUNK = 20_000;
  // Rounds of each side per size; the best of them counts.
  private int rounds;
  // Seconds against records, per sink and side, for the chart.
  private final java.util.Map<String, List<double[]>> curves = new java.util.LinkedHashMap<>();
  private final List<String> phaseLines = new ArrayList<>();

  @Override
  public String description() {
    return "restore vs plain batched JDBC [sizes=10000,100000,1000000]"
        + " [postgres=jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres|none]"
        + " [jar=cli/target/walstream.jar|none] [rounds=3]";
  }

  @Override
  public void run(String[] args) throws Exception {
    String[] sizes = (args.length > 0 ? args[0] : "10000,100000,1000000").split(",");
    String postgres =
        args.length > 1 ? args[1] : "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
    String jar = args.length > 2 ? args[2] : "cli/target/walstream.jar";
    rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    List<String> memory = new ArrayList<>();
    System.out.println(
        "| sink | records | plain JDBC records/s | tuned plain JDBC records/s | restore records/s"
            + " | ratio to plain | ratio to tuned | restore s |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (String size : sizes) {
      int records = Integer.parseInt(size.trim());
      try (WorkDir workDir = new WorkDir("walstream-restore-bench")) {
        measure(records, workDir.path(), postgres, jar, memory);
      }
    }
    phaseLines.forEach(System.out::println);
    if (!memory.isEmpty()) {
      System.out.println(
          "max heap after GC of `walstream restore` under -Xmx256m (SQLite, --latest): " + memory);
    }
    Path chart = Path.of(System.getProperty("bench.chart.dir", "docs"), "restore-time.png");
    java.nio.file.Files.createDirectories(chart.toAbsolutePath().getParent());
    List<LineChart.Series> series = new ArrayList<>();
    curves.forEach(
        (name, points) -> series.add(new LineChart.Series(name, color(series.size()), points)));
    LineChart.write(
        chart,
        "Restore time against records applied (best of " + rounds + " rounds)",
        "records",
        "seconds",
        series,
        // The lines rise to the right: the legend goes top left.
        org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    System.out.println("chart: " + chart);
  }

  private static java.awt.Color color(int index) {
    java.awt.Color[] colors = {
      new java.awt.Color(30, 110, 200),
      new java.awt.Color(140, 180, 230),
      new java.awt.Color(200, 60, 40),
      new java.awt.Color(235, 160, 140)
    };
    return colors[index % colors.length];
  }

  /** Measures one archive size; appends the restore process's heap to {@code memory}. */
  private void measure(int records, Path work, String postgres, String jar, List<String> memory)
      throws Exception {
    Path archive = work.resolve("archive");
    writeArchive(archive, records);
    PlainJdbcLimit sqliteLimit = limit(PlainJdbcLimit.Dialect.SQLITE, records);
    compare(
        "SQLite",
        records,
        (n, tuned) -> {
          try (Connection c =
              DriverManager.getConnection("jdbc:sqlite:" + work.resolve("plain-" + n + ".db"))) {
            if (tuned) {
              try (Statement s = c.createStatement()) {
                for (String pragma : SqliteSink.PRAGMAS) {
                  s.execute(pragma);
                }
              }
            }
            return sqliteLimit.apply(c, "", commitEvery(tuned));
          }
        },
        n -> SqliteSink.open(work.resolve("restored-" + n + ".db"), false),
        archive);
    if (!postgres.equals("none") && answers(postgres)) {
      PlainJdbcLimit pgLimit = limit(PlainJdbcLimit.Dialect.POSTGRES, records);
      compare(
          "PostgreSQL",
          records,
          (n, tuned) -> {
            try (Connection c = DriverManager.getConnection(postgres)) {
              String schema = "bench_plain_" + n;
              try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                s.execute("CREATE SCHEMA " + schema);
              }
              double rate = pgLimit.apply(c, schema + ".", commitEvery(tuned));
              try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
              }
              c.commit();
              return rate;
            }
          },
          n -> PostgresSink.open(postgres, "bench_restored", true),
          archive);
    }
    if (!jar.equals("none")) {
      memory.add(records + ": " + restoreProcessHeap(Path.of(jar), archive, work) + " MiB");
    }
  }

  /** The limit: applies the changes (plainly, or with the restore's own settings); rows/s. */
  private interface Limit {
    double run(int n, boolean tuned) throws Exception;
  }

  /** Opens the restore's sink for run {@code n}. */
  private interface Open {
    Sink open(int n) throws Exception;
  }

  /** Plain: a commit every 5 000 rows; tuned: as often as the restore commits. */
  private static int commitEvery(boolean tuned) {
    return tuned ? JdbcSink.BATCH_RECORDS : 5_000;
  }

  /**
   * Times the plain limit, the tuned limit (the restore's own database settings and commit size)
   * and the restore, {@link #rounds} times each, alternating, and compares the best of each, so
   * that no side is flattered by another's cold start; prints one table row and adds the restore's
   * and the tuned limit's seconds to the chart's curves.
   */
  private void compare(String sink, int records, Limit limit, Open open, Path archive)
      throws Exception {
    double plain = 0;
    double tuned = 0;
    double best = Double.MAX_VALUE;
    RestorePhases bestPhases = null;
    for (int n = 1; n <= rounds; n++) {
      plain = Math.max(plain, limit.run(2 * n - 1, false));
      tuned = Math.max(tuned, limit.run(2 * n, true));
      long start = System.nanoTime();
      RestorePhases phases = new RestorePhases(open.open(n), start);
      new Restorer(new FileSystemObjectStore(archive))
          .restore("shop", new RestoreTarget.Latest(), phases);
      double seconds = (System.nanoTime() - start) / 1e9;
      if (seconds < best) {
        best = seconds;
        bestPhases = phases;
      }
    }
    phaseLines.add(bestPhases.describe(sink, records, tuned));
    double restore = records / best;
    curves
        .computeIfAbsent(sink + " restore", k -> new ArrayList<>())
        .add(new double[] {records, best});
    curves
        .computeIfAbsent(sink + " tuned plain JDBC", k -> new ArrayList<>())
        .add(new double[] {records, records / tuned});
    System.out.printf(
        "| %s | %d | %.0f | %.0f | %.0f | %.2f | %.2f | %.1f |%n",
        sink, records, plain, tuned, restore, restore / plain, restore / tuned, best);
  }

  private static PlainJdbcLimit limit(PlainJdbcLimit.Dialect dialect, int records) {
    PlainJdbcLimit limit = new PlainJdbcLimit(dialect);
    Workload workload = new Workload(5);
    for (int done = 0; done < records; done += CHUNK) {
      limit.add(workload.next("shop", Math.min(CHUNK, records - done)));
    }
    return limit;
  }

  /** The same change sequence as the limit's, archived in segments, never all held at once. */
  static void writeArchive(Path dir, int records) {
    writeArchive(dir, records, io.walstream.archive.crypto.Keyring.none());
  }

  /** As {@link #writeArchive(Path, int)}, encrypting the segments with {@code keys}. */
  static void writeArchive(Path dir, int records, io.walstream.archive.crypto.Keyring keys) {
    ArchiveWriter writer =
        new ArchiveWriter(
            new FileSystemObjectStore(dir),
            "bench",
            io.walstream.archive.format.SegmentFormat.ZSTD_LEVEL,
            keys);
    StreamId stream = new StreamId("shop", "walstream.changes", 0);
    StreamHead head = writer.loadHead(stream);
    Workload workload = new Workload(5);
    for (int from = 0; from < records; from += PER_SEGMENT) {
      int count = Math.min(PER_SEGMENT, records - from);
      List<ChangeRecord> part = workload.next("shop", count);
      Batch batch = Batch.of(part, from, from + count - 1, from + count - 1, null);
      head = ((CommitResult.Committed) writer.commit(head, batch)).head();
    }
  }

  private static boolean answers(String jdbcUrl) {
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      return c.isValid(5);
    } catch (SQLException e) {
      System.out.println("(PostgreSQL skipped: " + e.getMessage() + ")");
      return false;
    }
  }

  /** Runs the real CLI restore in its own JVM under -Xmx256m; the max heap after GC, in MiB. */
  private static long restoreProcessHeap(Path jar, Path archive, Path work) throws Exception {
    return CliProcess.maxHeapAfterGcMiB(
        jar,
        "256m",
        work,
        "restore",
        List.of(
            "restore",
            "--archive",
            archive.toUri().toString(),
            "--database",
            "shop",
            "--latest",
            "--output",
            work.resolve("memory.db").toString()));
  }
}
