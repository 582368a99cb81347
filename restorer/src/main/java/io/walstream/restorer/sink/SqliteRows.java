package io.walstream.restorer.sink;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a restored SQLite database back, for checks and tools: every table (walstream's own left
 * out, empty ones kept) as key → row, a row as column → value with NULLs left out and integers as
 * {@code Long}.
 */
public final class SqliteRows {
  private SqliteRows() {}

  /**
   * The integer {@code keyColumn} values of each non-empty table of {@code db}, in order: what a
   * check of which rows a restore holds compares.
   */
  public static Map<String, java.util.TreeSet<Long>> keys(Path db, String keyColumn)
      throws SQLException {
    Map<String, java.util.TreeSet<Long>> keys = new TreeMap<>();
    read(db, keyColumn)
        .forEach(
            (table, rows) -> {
              if (!rows.isEmpty()) {
                java.util.TreeSet<Long> ids = new java.util.TreeSet<>();
                rows.keySet().forEach(id -> ids.add(((Number) id).longValue()));
                keys.put(table, ids);
              }
            });
    return keys;
  }

  /** The tables of {@code db}, each row keyed by its {@code keyColumn} value. */
  public static Map<String, Map<Object, Map<String, Object>>> read(Path db, String keyColumn)
      throws SQLException {
    if (!java.nio.file.Files.isRegularFile(db)) {
      // Opening a missing file would create an empty database there.
      throw new SQLException("Cannot read " + db + ": no such file");
    }
    Map<String, Map<Object, Map<String, Object>>> tables = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      List<String> names = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT name FROM sqlite_master WHERE type = 'table'"
                  + " AND name NOT IN ('_walstream_restore', '_walstream_follow',"
                  + " '_walstream_follow_streams', '"
                  + SqliteResume.META
                  + "')")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      for (String table : names) {
        Map<Object, Map<String, Object>> rows = new TreeMap<>();
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + SqlValues.quote(table))) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            Map<String, Object> row = new TreeMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              Object value = rs.getObject(i);
              if (value != null) {
                row.put(meta.getColumnName(i), value instanceof Integer n ? (long) n : value);
              }
            }
            rows.put(row.get(keyColumn), row);
          }
        }
        tables.put(table, rows);
      }
    }
    return tables;
  }
}
