package io.walstream.restorer.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What a restore file a killed restore left behind holds: which database and target it was
 * restoring (in {@code _walstream_restore_meta}), how far its committed batches got (the highest
 * LSN in {@code _walstream_restore}: transactions are applied in LSN order, so every one up to it
 * is in), and its tables' shapes.
 */
final class SqliteResume {
  static final String META = "_walstream_restore_meta";

  private SqliteResume() {}

  /**
   * The LSN up to which the file holds every transaction, when it is intact and was restoring
   * {@code database} to {@code target}; empty otherwise.
   */
  static OptionalLong lastApplied(Connection c, String database, String target)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
        if (!rs.next() || !"ok".equals(rs.getString(1))) {
          return OptionalLong.empty();
        }
      }
      if (!exists(s, META)) {
        return OptionalLong.empty();
      }
      try (ResultSet rs = s.executeQuery("SELECT \"database\", \"target\" FROM " + quote(META))) {
        if (!rs.next() || !database.equals(rs.getString(1)) || !target.equals(rs.getString(2))) {
          return OptionalLong.empty();
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT max(\"lsn\") FROM \"_walstream_restore\"")) {
        rs.next();
        long lsn = rs.getLong(1);
        return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(lsn);
      }
    }
  }

  /** The restored tables (not walstream's own) with their keys and columns. */
  static Map<String, TableShape> tables(Connection c) throws SQLException {
    Map<String, TableShape> tables = new LinkedHashMap<>();
    for (String table : userTables(c)) {
      TreeMap<Integer, String> keys = new TreeMap<>();
      List<String> columns = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
        while (rs.next()) {
          columns.add(rs.getString("name"));
          if (rs.getInt("pk") > 0) {
            keys.put(rs.getInt("pk"), rs.getString("name"));
          }
        }
      }
      tables.put(table, new TableShape(List.copyOf(keys.values()), columns));
    }
    return tables;
  }

  /** Drops every table, so the file is as new. */
  static void wipe(Connection c) throws SQLException {
    List<String> all = new ArrayList<>(userTables(c));
    all.add(META);
    all.add("_walstream_restore");
    try (Statement s = c.createStatement()) {
      for (String table : all) {
        s.execute("DROP TABLE IF EXISTS " + quote(table));
      }
    }
  }

  /** Records which database and target this file restores. */
  static void describe(Connection c, String database, String target) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + quote(META)
              + " (\"database\" TEXT NOT NULL, \"target\" TEXT NOT NULL)");
      s.execute("DELETE FROM " + quote(META));
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO " + quote(META) + " VALUES (?, ?)")) {
      p.setString(1, database);
      p.setString(2, target);
      p.executeUpdate();
    }
  }

  private static List<String> userTables(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                    + " AND name NOT IN ('_walstream_restore', '_walstream_follow',"
                    + " '_walstream_follow_streams', '"
                    + META
                    + "')")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }

  private static boolean exists(Statement s, String table) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
      return rs.next();
    }
  }

  private static String quote(String name) {
    return SqlValues.quote(name);
  }
}
