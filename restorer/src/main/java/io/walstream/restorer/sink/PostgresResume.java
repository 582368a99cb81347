package io.walstream.restorer.sink;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the staging schema a killed PostgreSQL restore left behind holds. The staging schema of a
 * target schema has one name, derived from the target's, so that a rerun finds it; which database
 * and restore target it was written for is in its {@code _walstream_restore_meta} table, how far
 * its committed batches got in {@code _walstream_restore} (transactions are applied in LSN order,
 * so every one up to the highest LSN is in, committed together with it).
 */
final class PostgresResume {
  static final String META = SqliteResume.META;
  private static final Set<String> OWN =
      Set.of(META, "_walstream_restore", "_walstream_follow", "_walstream_follow_streams");

  private PostgresResume() {}

  /**
   * {@code _walstream_staging_<first 16 hex of SHA-256 of the target schema's name>}: short enough
   * for PostgreSQL's 63-byte identifiers whatever the target's length, and the same on every run.
   */
  static String stagingSchema(String target) {
    return "_walstream_staging_" + HexFormat.of().formatHex(digest(target), 0, 8);
  }

  /**
   * The key of the session advisory lock a restore into {@code target} holds: PostgreSQL releases
   * it when the restore's connection ends, however the process ended.
   */
  static long lockKey(String target) {
    byte[] d = digest("walstream-restore:" + target);
    long key = 0;
    for (int i = 0; i < 8; i++) {
      key = (key << 8) | (d[i] & 0xff);
    }
    return key;
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  static boolean schemaExists(Connection c, String schema) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * The LSN up to which {@code staging} holds every transaction, when it was restoring {@code
   * database} to {@code target} and has committed batches; empty otherwise.
   */
  static OptionalLong lastApplied(Connection c, String staging, String database, String target)
      throws SQLException {
    if (!tableExists(c, staging, META) || !tableExists(c, staging, "_walstream_restore")) {
      return OptionalLong.empty();
    }
    try (Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT \"database\", \"target\" FROM " + qualified(staging, META))) {
        if (!rs.next() || !database.equals(rs.getString(1)) || !target.equals(rs.getString(2))) {
          return OptionalLong.empty();
        }
      }
      try (ResultSet rs =
          s.executeQuery("SELECT max(\"lsn\") FROM " + qualified(staging, "_walstream_restore"))) {
        rs.next();
        long lsn = rs.getLong(1);
        return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(lsn);
      }
    }
  }

  /** The restored tables of {@code staging} (not walstream's own), with keys and columns. */
  static Map<String, TableShape> tables(Connection c, String staging) throws SQLException {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT table_name, column_name FROM information_schema.columns"
                + " WHERE table_schema = ? ORDER BY table_name, ordinal_position")) {
      s.setString(1, staging);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    Map<String, List<String>> keys = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT k.table_name, k.column_name FROM information_schema.table_constraints t"
                + " JOIN information_schema.key_column_usage k"
                + " ON k.constraint_schema = t.constraint_schema"
                + " AND k.constraint_name = t.constraint_name"
                + " WHERE t.table_schema = ? AND t.constraint_type = 'PRIMARY KEY'"
                + " ORDER BY k.table_name, k.ordinal_position")) {
      s.setString(1, staging);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          keys.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    Map<String, TableShape> tables = new LinkedHashMap<>();
    columns.forEach(
        (table, cols) -> {
          if (!OWN.contains(table)) {
            tables.put(table, new TableShape(keys.getOrDefault(table, List.of()), cols));
          }
        });
    return tables;
  }

  /** Records which database and target {@code staging} restores. */
  static void describe(Connection c, String staging, String database, String target)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + qualified(staging, META)
              + " (\"database\" TEXT NOT NULL, \"target\" TEXT NOT NULL)");
      s.execute("DELETE FROM " + qualified(staging, META));
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO " + qualified(staging, META) + " VALUES (?, ?)")) {
      p.setString(1, database);
      p.setString(2, target);
      p.executeUpdate();
    }
  }

  private static boolean tableExists(Connection c, String schema, String table)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
      s.setString(1, schema);
      s.setString(2, table);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  static String qualified(String schema, String table) {
    return SqlValues.quote(schema) + "." + SqlValues.quote(table);
  }
}
