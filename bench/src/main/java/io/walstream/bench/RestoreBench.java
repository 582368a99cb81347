package io.walstream.bench;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.Batch;
import io.walstream.archive.writer.CommitResult;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Restore throughput into SQLite against the limit in the same run: the same change sequence
 * applied from memory with plain batched JDBC upserts in one thread. Also the growth curve over
 * archive sizes and the heap used.
 */
final class RestoreBench implements Bench.Scenario {
  @Override
  public String description() {
    return "restore into SQLite vs plain batched JDBC upserts [sizes=10000,100000,1000000]";
  }

  @Override
  public void run(String[] args) throws Exception {
    String[] sizes = (args.length > 0 ? args[0] : "10000,100000,1000000").split(",");
    System.out.println(
        "| records | plain JDBC records/s | restore records/s | ratio | restore s |");
    System.out.println("|---:|---:|---:|---:|---:|");
    for (String size : sizes) {
      int records = Integer.parseInt(size.trim());
      Path work = Files.createTempDirectory("walstream-restore-bench");
      List<ChangeRecord> changes = new Workload(5).next("shop", records);
      writeArchive(work.resolve("archive"), changes);
      double plain = plainJdbc(work.resolve("plain.db"), changes);
      changes = null;
      System.gc();
      resetPeakHeap();
      long start = System.nanoTime();
      new Restorer(new FileSystemObjectStore(work.resolve("archive")))
          .restore(
              "shop",
              new RestoreTarget.Latest(),
              SqliteSink.open(work.resolve("restored.db"), false));
      double seconds = (System.nanoTime() - start) / 1e9;
      double restore = records / seconds;
      System.out.printf(
          "| %d | %.0f | %.0f | %.2f | %.1f |%n",
          records, plain, restore, restore / plain, seconds);
      System.out.printf("  peak heap during restore: %d MiB%n", peakHeapMiB());
    }
  }

  private static void writeArchive(Path dir, List<ChangeRecord> changes) {
    ArchiveWriter writer = new ArchiveWriter(new FileSystemObjectStore(dir), "bench");
    StreamId stream = new StreamId("shop", "walstream.changes", 0);
    StreamHead head = writer.loadHead(stream);
    int perSegment = 20_000;
    for (int from = 0; from < changes.size(); from += perSegment) {
      List<ChangeRecord> part = changes.subList(from, Math.min(changes.size(), from + perSegment));
      Batch batch = Batch.of(part, from, from + part.size() - 1, from + part.size() - 1, null);
      head = ((CommitResult.Committed) writer.commit(head, batch)).head();
    }
  }

  /** The limit: the same changes, upserted with prepared, batched statements, from memory. */
  private static double plainJdbc(Path db, List<ChangeRecord> changes) throws Exception {
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.setAutoCommit(false);
      Map<String, PreparedStatement> upserts = new HashMap<>();
      Map<String, PreparedStatement> deletes = new HashMap<>();
      Map<String, List<String>> columns = new HashMap<>();
      int n = 0;
      for (ChangeRecord r : changes) {
        String table = r.getTable();
        if (!columns.containsKey(table)) {
          ChangeRecord sample =
              changes.stream()
                  .filter(x -> x.getTable().equals(table) && x.getAfter() != null)
                  .findFirst()
                  .orElseThrow();
          List<String> cols = new ArrayList<>();
          for (ChangeRecord x : changes) {
            if (x.getTable().equals(table) && x.getAfter() != null) {
              for (String col : x.getAfter().keySet()) {
                if (!cols.contains(col)) {
                  cols.add(col);
                }
              }
            }
          }
          columns.put(table, cols);
          try (Statement s = c.createStatement()) {
            s.execute(
                "CREATE TABLE \""
                    + table
                    + "\" ("
                    + String.join(", ", cols.stream().map(x -> "\"" + x + "\"").toList())
                    + ", PRIMARY KEY (\"id\"))");
          }
          String placeholders = String.join(", ", cols.stream().map(x -> "?").toList());
          String updates =
              String.join(
                  ", ",
                  cols.stream()
                      .filter(x -> !x.equals("id"))
                      .map(x -> "\"" + x + "\" = excluded.\"" + x + "\"")
                      .toList());
          upserts.put(
              table,
              c.prepareStatement(
                  "INSERT INTO \""
                      + table
                      + "\" VALUES ("
                      + placeholders
                      + ") ON CONFLICT (\"id\") DO UPDATE SET "
                      + updates));
          deletes.put(table, c.prepareStatement("DELETE FROM \"" + table + "\" WHERE \"id\" = ?"));
          sample.getLsn();
        }
        if (r.getOp() == Op.DELETE) {
          PreparedStatement d = deletes.get(table);
          d.setObject(1, r.getKey().get("id"));
          d.addBatch();
        } else {
          PreparedStatement u = upserts.get(table);
          List<String> cols = columns.get(table);
          for (int i = 0; i < cols.size(); i++) {
            Object v = r.getAfter().get(cols.get(i));
            u.setObject(
                i + 1,
                v instanceof CharSequence s
                    ? s.toString()
                    : v instanceof Number || v instanceof Boolean || v == null ? v : v.toString());
          }
          u.addBatch();
        }
        if (++n % 5000 == 0) {
          for (PreparedStatement s : upserts.values()) {
            s.executeBatch();
          }
          for (PreparedStatement s : deletes.values()) {
            s.executeBatch();
          }
          c.commit();
        }
      }
      for (PreparedStatement s : upserts.values()) {
        s.executeBatch();
      }
      for (PreparedStatement s : deletes.values()) {
        s.executeBatch();
      }
      c.commit();
    }
    return changes.size() / ((System.nanoTime() - start) / 1e9);
  }

  private static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeapMiB() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024 * 1024);
  }
}
