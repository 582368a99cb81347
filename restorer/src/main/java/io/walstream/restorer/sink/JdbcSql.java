package io.walstream.restorer.sink;

import java.util.List;

/** The SQL text {@link JdbcSink} prepares, from quoted table names and unquoted column names. */
final class JdbcSql {
  private JdbcSql() {}

  /** Creates {@code table} with its key columns, of {@code types}, as the primary key. */
  static String createTable(String table, List<String> keys, List<String> types) {
    StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(table).append(" (");
    for (int i = 0; i < keys.size(); i++) {
      ddl.append(SqlValues.quote(keys.get(i))).append(' ').append(types.get(i)).append(", ");
    }
    return ddl.append("PRIMARY KEY (").append(quotedList(keys)).append("))").toString();
  }

  /**
   * Inserts a row of {@code columns} or, when its key exists, makes the row exactly these values.
   */
  static String upsert(String table, List<String> columns, List<String> keys) {
    StringBuilder values = new StringBuilder();
    StringBuilder updates = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      String quoted = SqlValues.quote(columns.get(i));
      values.append(i == 0 ? "?" : ", ?");
      if (!keys.contains(columns.get(i))) {
        updates
            .append(updates.length() == 0 ? "" : ", ")
            .append(quoted)
            .append(" = excluded.")
            .append(quoted);
      }
    }
    return "INSERT INTO "
        + table
        + " ("
        + quotedList(columns)
        + ") VALUES ("
        + values
        + ") ON CONFLICT ("
        + quotedList(keys)
        + ")"
        + (updates.length() == 0 ? " DO NOTHING" : " DO UPDATE SET " + updates);
  }

  /** Deletes the row with the given key values. */
  static String delete(String table, List<String> keys) {
    StringBuilder sql = new StringBuilder("DELETE FROM ").append(table).append(" WHERE ");
    for (int i = 0; i < keys.size(); i++) {
      sql.append(i == 0 ? "" : " AND ").append(SqlValues.quote(keys.get(i))).append(" = ?");
    }
    return sql.toString();
  }

  /** Records the position a stream reached, one row per stream. */
  static String positionUpsert(String table) {
    return "INSERT INTO "
        + table
        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (\"topic\", \"partition\") DO UPDATE SET"
        + " \"seq\" = excluded.\"seq\", \"lsn\" = excluded.\"lsn\"";
  }

  private static String quotedList(List<String> names) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(SqlValues.quote(names.get(i)));
    }
    return sb.toString();
  }
}
