package io.walstream.cli;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The test's own oracle for the Debezium end-to-end test: the rows of a table as canonical text,
 * read with plain SQL from the source PostgreSQL database, a restored PostgreSQL schema or a
 * restored SQLite file, and so independent of walstream's code. Columns are known to the test with
 * their kind; a column the restored table lacks (it had no value yet) reads as NULL.
 */
final class TableStates {
  /** How a column is turned into canonical text. */
  enum Kind {
    PLAIN,
    /**
     * numeric without precision: Debezium sends it as a VariableScaleDecimal without its trailing
     * zeros (48.6530 arrives as 48.653), so the value is compared, not its scale.
     */
    NUMBER,
    BOOL,
    TIMESTAMPTZ,
    BYTES
  }

  /** A table of the source: its name and its columns in order, the first being the key. */
  record Table(String name, Map<String, Kind> columns) {}

  private TableStates() {}

  /** Rows of {@code table} in the source database (schema public), by key order. */
  static List<List<String>> source(Connection c, Table table) throws SQLException {
    return postgres(c, "public", table.name(), table);
  }

  /** Rows of {@code table} as restored into PostgreSQL schema {@code schema}. */
  static List<List<String>> restoredPostgres(Connection c, String schema, Table table)
      throws SQLException {
    return postgres(c, schema, "public." + table.name(), table);
  }

  private static List<List<String>> postgres(Connection c, String schema, String name, Table table)
      throws SQLException {
    Set<String> present = columns(c, schema, name);
    if (present.isEmpty()) {
      return List.of();
    }
    List<String> exprs = new ArrayList<>();
    for (Map.Entry<String, Kind> column : table.columns().entrySet()) {
      String q = "t.\"" + column.getKey() + "\"";
      if (!present.contains(column.getKey())) {
        exprs.add("NULL");
        continue;
      }
      exprs.add(
          switch (column.getValue()) {
            case BOOL -> "CASE WHEN " + q + " THEN '1' WHEN NOT " + q + " THEN '0' END";
            case TIMESTAMPTZ ->
                "to_char(" + q + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
            case BYTES -> "encode(" + q + ", 'hex')";
            case NUMBER -> "trim_scale(" + q + "::numeric)::text";
            case PLAIN -> q + "::text";
          });
    }
    // Ordered by the column itself (aliased), not by the output column of the same name.
    String key = "t.\"" + table.columns().keySet().iterator().next() + "\"";
    return rows(
        c,
        "SELECT "
            + String.join(", ", exprs)
            + " FROM \""
            + schema
            + "\".\""
            + name
            + "\" t ORDER BY "
            + key);
  }

  /** Rows of {@code table} as restored into a SQLite file. */
  static List<List<String>> restoredSqlite(Connection c, Table table) throws SQLException {
    String name = "public." + table.name();
    Set<String> present = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA table_info(\"" + name + "\")")) {
      while (rs.next()) {
        present.add(rs.getString("name"));
      }
    }
    if (present.isEmpty()) {
      return List.of();
    }
    List<String> exprs = new ArrayList<>();
    for (String column : table.columns().keySet()) {
      String q = "t.\"" + column + "\"";
      exprs.add(
          present.contains(column)
              ? "CASE WHEN typeof("
                  + q
                  + ") = 'blob' THEN lower(hex("
                  + q
                  + ")) ELSE CAST("
                  + q
                  + " AS TEXT) END"
              : "NULL");
    }
    String key = "t.\"" + table.columns().keySet().iterator().next() + "\"";
    return rows(
        c, "SELECT " + String.join(", ", exprs) + " FROM \"" + name + "\" t ORDER BY " + key);
  }

  /** Every table's rows, by table name. */
  static Map<String, List<List<String>>> all(Connection c, List<Table> tables) throws SQLException {
    Map<String, List<List<String>>> state = new LinkedHashMap<>();
    for (Table t : tables) {
      state.put(t.name(), source(c, t));
    }
    return state;
  }

  private static Set<String> columns(Connection c, String schema, String table)
      throws SQLException {
    Set<String> names = new HashSet<>();
    DatabaseMetaData meta = c.getMetaData();
    try (ResultSet rs = meta.getColumns(null, schema, table, null)) {
      while (rs.next()) {
        names.add(rs.getString("COLUMN_NAME"));
      }
    }
    return names;
  }

  private static List<List<String>> rows(Connection c, String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
