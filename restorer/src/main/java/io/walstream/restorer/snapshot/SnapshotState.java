package io.walstream.restorer.snapshot;

import io.walstream.archive.format.Snapshot;
import io.walstream.archive.format.SnapshotChunks;
import io.walstream.restorer.sink.Sink;
import io.walstream.restorer.sink.TransactionPosition;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.avro.SnapshotRow;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.value.Values;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of a database being snapshotted, kept in a temporary SQLite file so that memory stays
 * bounded whatever the database's size: one row per (table, key) holding the row's last image. It
 * is a {@link Sink}, so a snapshot is built by the restore path itself (the same planning,
 * verification and merge into complete transactions), and it tracks each table's columns exactly as
 * the SQL sinks add them, so that a restore from the snapshot creates the same tables.
 *
 * <p>Keys are compared as the SQL sinks compare them: an int and a long of the same value, or a
 * float and a double, are one key.
 */
public final class SnapshotState implements Sink {
  private static final int BATCH = 50_000;

  private final Path file;
  private final Connection connection;
  private final PreparedStatement upsert;
  private final PreparedStatement delete;
  private final PreparedStatement truncate;
  private final Map<String, TableColumns> shapes = new LinkedHashMap<>();
  private int inBatch;
  private Long lastCommitMicros;
  private Long maxCommitMicros;

  private SnapshotState(Path file) throws SQLException {
    this.file = file;
    this.connection = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = connection.createStatement()) {
      // A scratch file: a crash loses it and the snapshot is built again.
      s.execute("PRAGMA journal_mode=OFF");
      s.execute("PRAGMA synchronous=OFF");
      // 64 MiB of page cache, outside the Java heap: the rows' B-tree is written at random keys.
      s.execute("PRAGMA cache_size=-65536");
      s.execute(
          "CREATE TABLE rows (tbl TEXT NOT NULL, pk BLOB NOT NULL, row BLOB NOT NULL,"
              + " PRIMARY KEY (tbl, pk)) WITHOUT ROWID");
    }
    connection.setAutoCommit(false);
    upsert = connection.prepareStatement("INSERT OR REPLACE INTO rows VALUES (?, ?, ?)");
    delete = connection.prepareStatement("DELETE FROM rows WHERE tbl = ? AND pk = ?");
    truncate = connection.prepareStatement("DELETE FROM rows WHERE tbl = ?");
  }

  /** A new, empty state in a temporary file under {@code directory}. */
  public static SnapshotState open(Path directory) {
    try {
      Path file = Files.createTempFile(directory, "walstream-snapshot-", ".db");
      return new SnapshotState(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a snapshot work file in " + directory, e);
    } catch (SQLException e) {
      throw new WalstreamException("Cannot open a snapshot work file: " + e.getMessage(), e);
    }
  }

  @Override
  public void apply(List<ChangeRecord> transaction, TransactionPosition position) {
    load(transaction);
    long commit = Values.toMicros(transaction.get(transaction.size() - 1).getCommitTime());
    lastCommitMicros = commit;
    maxCommitMicros = maxCommitMicros == null ? commit : Math.max(maxCommitMicros, commit);
  }

  /** Carries the commit times of the snapshot a build starts from. */
  void startFrom(Snapshot base) {
    lastCommitMicros = base.commitTime();
    maxCommitMicros = base.maxCommitTime();
  }

  @Override
  public void load(List<ChangeRecord> records) {
    try {
      for (ChangeRecord record : records) {
        applyRecord(record);
      }
      inBatch += records.size();
      if (inBatch >= BATCH) {
        upsert.executeBatch();
        connection.commit();
        inBatch = 0;
      }
    } catch (SQLException e) {
      throw new WalstreamException("Cannot keep snapshot rows: " + e.getMessage(), e);
    }
  }

  private void applyRecord(ChangeRecord record) throws SQLException {
    String table = record.getTable();
    if (record.getOp() == Op.TRUNCATE) {
      if (shapes.containsKey(table)) {
        upsert.executeBatch();
        truncate.setString(1, table);
        truncate.executeUpdate();
      }
      return;
    }
    TableColumns shape = shapes.computeIfAbsent(table, t -> TableColumns.of(record.getKey()));
    byte[] pk = RowKeys.encode(record.getKey());
    if (record.getOp() == Op.DELETE) {
      upsert.executeBatch();
      delete.setString(1, table);
      delete.setBytes(2, pk);
      delete.executeUpdate();
      return;
    }
    shape.add(record.getAfter());
    shape.add(record.getKey());
    upsert.setString(1, table);
    upsert.setBytes(2, pk);
    upsert.setBytes(
        3, SnapshotChunks.encodeRow(new SnapshotRow(record.getKey(), record.getAfter())));
    upsert.addBatch();
  }

  @Override
  public void declareTable(
      String table, List<Snapshot.Column> keys, List<Snapshot.Column> columns) {
    shapes.put(table, TableColumns.declared(keys, columns));
  }

  @Override
  public void commit() {
    try {
      upsert.executeBatch();
      connection.commit();
    } catch (SQLException e) {
      throw new WalstreamException("Cannot keep snapshot rows: " + e.getMessage(), e);
    }
  }

  @Override
  public void abort() {
    try {
      connection.close();
      Files.deleteIfExists(file);
    } catch (SQLException e) {
      throw new WalstreamException("Cannot close the snapshot work file: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the snapshot work file " + file, e);
    }
  }

  @Override
  public Map<String, Long> rowCounts() {
    Map<String, Long> counts = new TreeMap<>();
    shapes.keySet().forEach(t -> counts.put(t, 0L));
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT tbl, count(*) FROM rows GROUP BY tbl")) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      throw new WalstreamException("Cannot count snapshot rows: " + e.getMessage(), e);
    }
    return counts;
  }

  /** Commit time of the last transaction applied; null when none was. */
  Long lastCommitMicros() {
    return lastCommitMicros;
  }

  /** The latest commit time of any transaction applied; null when none was. */
  Long maxCommitMicros() {
    return maxCommitMicros;
  }

  /** The shapes of every table, in the order the restore met them. */
  Map<String, TableColumns> shapes() {
    return shapes;
  }

  /** Receives the chunks of {@link #writeChunks}. */
  interface ChunkConsumer {
    void accept(String table, List<byte[]> rows);
  }

  /**
   * Hands out every table's rows in key order, in chunks of at most {@link SnapshotChunks#MAX_ROWS}
   * rows or {@link SnapshotChunks#MAX_ROW_BYTES} encoded bytes (the last chunk of a table smaller).
   */
  void writeChunks(int maxRows, ChunkConsumer out) {
    commit();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT tbl, row FROM rows ORDER BY tbl, pk")) {
      String table = null;
      List<byte[]> chunk = new ArrayList<>();
      long bytes = 0;
      while (rs.next()) {
        String next = rs.getString(1);
        if (table != null
            && (!next.equals(table)
                || chunk.size() >= maxRows
                || bytes >= SnapshotChunks.MAX_ROW_BYTES)) {
          out.accept(table, chunk);
          chunk = new ArrayList<>();
          bytes = 0;
        }
        table = next;
        byte[] row = rs.getBytes(2);
        chunk.add(row);
        bytes += row.length;
      }
      if (!chunk.isEmpty()) {
        out.accept(table, chunk);
      }
    } catch (SQLException e) {
      throw new WalstreamException("Cannot read snapshot rows: " + e.getMessage(), e);
    }
  }
}
