package io.walstream.restorer.sink;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.error.WalstreamException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Restores into a SQLite file: writes a temporary file next to the output, in batched transactions,
 * then fsyncs it and renames it over the output only on {@link #commit()}. Tables are created from
 * the records (primary key = the key columns), columns added as they appear, every identifier
 * quoted.
 */
public final class SqliteSink implements Sink {
  private static final int BATCH_RECORDS = 5_000;

  private final Path output;
  private final Path temp;
  private final Connection connection;
  private final Map<String, Table> tables = new HashMap<>();
  private int inBatch;
  private boolean done;

  /** Known columns and key columns of one table. */
  private static final class Table {
    final List<String> keys;
    final Set<String> columns = new LinkedHashSet<>();

    Table(List<String> keys) {
      this.keys = keys;
    }
  }

  private SqliteSink(Path output, Path temp, Connection connection) {
    this.output = output;
    this.temp = temp;
    this.connection = connection;
  }

  /**
   * Opens a sink for {@code output}.
   *
   * @throws WalstreamException when the output exists and {@code replaceExisting} is false
   */
  public static SqliteSink open(Path output, boolean replaceExisting) {
    Path absolute = output.toAbsolutePath().normalize();
    if (Files.exists(absolute) && !replaceExisting) {
      throw new WalstreamException(
          "Cannot restore into " + absolute + ": it exists (use --force to replace it)");
    }
    Path temp =
        absolute.resolveSibling(
            "." + absolute.getFileName() + ".walstream-" + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(absolute.getParent());
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + temp);
      connection.setAutoCommit(false);
      try (Statement s = connection.createStatement()) {
        s.execute(
            "CREATE TABLE \"_walstream_restore\" (\"key\" TEXT PRIMARY KEY, \"value\" TEXT NOT NULL)");
      }
      return new SqliteSink(absolute, temp, connection);
    } catch (SQLException | IOException e) {
      throw new WalstreamException(
          "Cannot create restore file next to " + absolute + ": " + e.getMessage(), e);
    }
  }

  /** The temporary file being written (visible for crash tests). */
  public Path temporaryFile() {
    return temp;
  }

  @Override
  public void apply(List<ChangeRecord> transaction) {
    try {
      for (ChangeRecord record : transaction) {
        applyRecord(record);
      }
      ChangeRecord last = transaction.get(transaction.size() - 1);
      position(last.getLsn());
      inBatch += transaction.size();
      if (inBatch >= BATCH_RECORDS) {
        connection.commit();
        inBatch = 0;
      }
    } catch (SQLException e) {
      throw new WalstreamException(
          "Cannot apply transaction to " + output + ": " + e.getMessage(), e);
    }
  }

  private void position(long lsn) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "INSERT INTO \"_walstream_restore\" VALUES ('lsn', ?) ON CONFLICT(\"key\") DO UPDATE SET \"value\" = excluded.\"value\"")) {
      s.setString(1, Long.toString(lsn));
      s.executeUpdate();
    }
  }

  private void applyRecord(ChangeRecord record) throws SQLException {
    String name = SqlValues.quote(record.getTable());
    if (record.getOp() == Op.TRUNCATE) {
      if (tables.containsKey(record.getTable())) {
        try (Statement s = connection.createStatement()) {
          s.executeUpdate("DELETE FROM " + name);
        }
      }
      return;
    }
    Table table = table(record);
    if (record.getOp() == Op.DELETE) {
      delete(name, table, record.getKey());
      return;
    }
    Map<String, Object> row = new LinkedHashMap<>(record.getAfter());
    record.getKey().forEach(row::putIfAbsent);
    addColumns(name, table, row);
    upsert(name, table, row);
  }

  private Table table(ChangeRecord record) throws SQLException {
    Table table = tables.get(record.getTable());
    if (table != null) {
      return table;
    }
    List<String> keys = new ArrayList<>(new TreeMap<>(record.getKey()).keySet());
    StringBuilder ddl =
        new StringBuilder("CREATE TABLE ").append(SqlValues.quote(record.getTable())).append(" (");
    for (String key : keys) {
      ddl.append(SqlValues.quote(key))
          .append(' ')
          .append(SqlValues.sqliteType(record.getKey().get(key)))
          .append(", ");
    }
    ddl.append("PRIMARY KEY (");
    for (int i = 0; i < keys.size(); i++) {
      ddl.append(i == 0 ? "" : ", ").append(SqlValues.quote(keys.get(i)));
    }
    ddl.append("))");
    try (Statement s = connection.createStatement()) {
      s.execute(ddl.toString());
    }
    table = new Table(keys);
    table.columns.addAll(keys);
    tables.put(record.getTable(), table);
    return table;
  }

  private void addColumns(String name, Table table, Map<String, Object> row) throws SQLException {
    for (Map.Entry<String, Object> column : row.entrySet()) {
      if (table.columns.add(column.getKey())) {
        try (Statement s = connection.createStatement()) {
          s.execute(
              "ALTER TABLE "
                  + name
                  + " ADD COLUMN "
                  + SqlValues.quote(column.getKey())
                  + " "
                  + SqlValues.sqliteType(column.getValue()));
        }
      }
    }
  }

  private void upsert(String name, Table table, Map<String, Object> row) throws SQLException {
    List<String> columns = new ArrayList<>(table.columns);
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(name).append(" (");
    StringBuilder values = new StringBuilder();
    StringBuilder updates = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      String quoted = SqlValues.quote(columns.get(i));
      sql.append(i == 0 ? "" : ", ").append(quoted);
      values.append(i == 0 ? "?" : ", ?");
      if (!table.keys.contains(columns.get(i))) {
        updates
            .append(updates.length() == 0 ? "" : ", ")
            .append(quoted)
            .append(" = excluded.")
            .append(quoted);
      }
    }
    sql.append(") VALUES (").append(values).append(") ON CONFLICT (");
    for (int i = 0; i < table.keys.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(SqlValues.quote(table.keys.get(i)));
    }
    sql.append(updates.length() == 0 ? ") DO NOTHING" : ") DO UPDATE SET " + updates);
    try (PreparedStatement s = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < columns.size(); i++) {
        // Columns missing from the after image become NULL: the row is exactly the image.
        s.setObject(i + 1, SqlValues.sqlite(row.get(columns.get(i))));
      }
      s.executeUpdate();
    }
  }

  private void delete(String name, Table table, Map<String, Object> key) throws SQLException {
    if (table == null) {
      return;
    }
    StringBuilder sql = new StringBuilder("DELETE FROM ").append(name).append(" WHERE ");
    for (int i = 0; i < table.keys.size(); i++) {
      sql.append(i == 0 ? "" : " AND ").append(SqlValues.quote(table.keys.get(i))).append(" = ?");
    }
    try (PreparedStatement s = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < table.keys.size(); i++) {
        s.setObject(i + 1, SqlValues.sqlite(key.get(table.keys.get(i))));
      }
      s.executeUpdate();
    }
  }

  @Override
  public Map<String, Long> rowCounts() {
    Map<String, Long> counts = new TreeMap<>();
    try {
      for (String table : tables.keySet()) {
        try (Statement s = connection.createStatement();
            ResultSet rs = s.executeQuery("SELECT count(*) FROM " + SqlValues.quote(table))) {
          rs.next();
          counts.put(table, rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new WalstreamException("Cannot count rows of " + output + ": " + e.getMessage(), e);
    }
    return counts;
  }

  @Override
  public void commit() {
    try {
      connection.commit();
      connection.close();
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(output.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
      done = true;
    } catch (SQLException | IOException e) {
      abort();
      throw new WalstreamException(
          "Cannot finish restore into " + output + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void abort() {
    if (done) {
      return;
    }
    done = true;
    try {
      connection.close();
    } catch (SQLException e) {
      org.slf4j.LoggerFactory.getLogger(SqliteSink.class)
          .warn("Cannot close {}: {}", temp, e.toString());
    }
    try {
      Files.deleteIfExists(temp);
      Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + "-journal"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove temporary restore file " + temp, e);
    }
  }
}
