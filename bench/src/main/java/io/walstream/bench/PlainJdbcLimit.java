package io.walstream.bench;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.avro.TimestampValue;
import io.walstream.schemas.value.Values;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The limit a restore is measured against: the same change sequence applied from memory with plain
 * prepared, batched JDBC upserts and deletes in one thread. Changes are held as lean rows of
 * ready-to-bind parameters, so that the limit pays neither for decoding nor for a large heap.
 */
final class PlainJdbcLimit {
  /** The SQL flavour: column types and parameter values. */
  enum Dialect {
    SQLITE,
    POSTGRES
  }

  /** One change: its table, whether it deletes, and the parameters to bind. */
  private record Row(String table, boolean delete, Object[] params) {}

  private final Dialect dialect;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, List<String>> columns = new LinkedHashMap<>();
  private final Map<String, List<String>> types = new HashMap<>();

  PlainJdbcLimit(Dialect dialect) {
    this.dialect = dialect;
  }

  /** Adds changes, converting them to lean rows. */
  void add(List<ChangeRecord> changes) {
    for (ChangeRecord r : changes) {
      String table = r.getTable();
      if (r.getOp() == Op.DELETE) {
        rows.add(new Row(table, true, new Object[] {r.getKey().get("id")}));
        continue;
      }
      List<String> cols = columns.computeIfAbsent(table, t -> new ArrayList<>());
      List<String> colTypes = types.computeIfAbsent(table, t -> new ArrayList<>());
      r.getAfter()
          .forEach(
              (name, value) -> {
                if (!cols.contains(name)) {
                  cols.add(name);
                  colTypes.add(type(value));
                }
              });
      Object[] params = new Object[cols.size()];
      for (int i = 0; i < cols.size(); i++) {
        params[i] = param(r.getAfter().get(cols.get(i)));
      }
      rows.add(new Row(table, false, params));
    }
  }

  int size() {
    return rows.size();
  }

  /**
   * Applies every row into {@code schema} (a prefix for table names, or ""), committing every
   * {@code commitEvery} rows, and returns rows/s.
   */
  double apply(Connection c, String schema, int commitEvery) throws SQLException {
    long start = System.nanoTime();
    c.setAutoCommit(false);
    Map<String, PreparedStatement> upserts = new HashMap<>();
    Map<String, PreparedStatement> deletes = new HashMap<>();
    Map<String, PreparedStatement> pending = new HashMap<>();
    for (String table : columns.keySet()) {
      String name = schema + "\"" + table + "\"";
      createTable(c, table, name, upserts, deletes);
    }
    int n = 0;
    for (Row row : rows) {
      PreparedStatement s = (row.delete ? deletes : upserts).get(row.table);
      // Same ordering rule as any correct applier: a table's batch runs before it switches
      // between upsert and delete.
      PreparedStatement previous = pending.put(row.table, s);
      if (previous != null && previous != s) {
        previous.executeBatch();
      }
      for (int i = 0; i < row.params.length; i++) {
        s.setObject(i + 1, row.params[i]);
      }
      s.addBatch();
      if (++n % commitEvery == 0) {
        for (PreparedStatement p : pending.values()) {
          p.executeBatch();
        }
        pending.clear();
        c.commit();
      }
    }
    for (PreparedStatement p : pending.values()) {
      p.executeBatch();
    }
    c.commit();
    return rows.size() / ((System.nanoTime() - start) / 1e9);
  }

  private void createTable(
      Connection c,
      String table,
      String name,
      Map<String, PreparedStatement> upserts,
      Map<String, PreparedStatement> deletes)
      throws SQLException {
    List<String> cols = columns.get(table);
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + name + " (");
    StringBuilder updates = new StringBuilder();
    for (int i = 0; i < cols.size(); i++) {
      String col = "\"" + cols.get(i) + "\"";
      ddl.append(col).append(' ').append(types.get(table).get(i)).append(", ");
      if (i > 0) {
        updates.append(i > 1 ? ", " : "").append(col).append(" = excluded.").append(col);
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute(ddl.append("PRIMARY KEY (\"id\"))").toString());
    }
    String placeholders = "?" + ", ?".repeat(cols.size() - 1);
    upserts.put(
        table,
        c.prepareStatement(
            "INSERT INTO "
                + name
                + " VALUES ("
                + placeholders
                + ") ON CONFLICT (\"id\") DO UPDATE SET "
                + updates));
    deletes.put(table, c.prepareStatement("DELETE FROM " + name + " WHERE \"id\" = ?"));
  }

  private String type(Object value) {
    boolean pg = dialect == Dialect.POSTGRES;
    if (value instanceof Boolean) {
      return pg ? "BOOLEAN" : "INTEGER";
    }
    if (value instanceof Integer || value instanceof Long) {
      return pg ? "BIGINT" : "INTEGER";
    }
    if (value instanceof Float || value instanceof Double) {
      return pg ? "DOUBLE PRECISION" : "REAL";
    }
    if (value instanceof ByteBuffer) {
      return pg ? "BYTEA" : "BLOB";
    }
    if (pg && value instanceof DecimalValue) {
      return "NUMERIC";
    }
    if (pg && value instanceof DateValue) {
      return "DATE";
    }
    if (pg && value instanceof TimestampValue) {
      return "TIMESTAMPTZ";
    }
    return "TEXT";
  }

  private Object param(Object value) {
    boolean pg = dialect == Dialect.POSTGRES;
    if (value instanceof Boolean b) {
      return pg ? b : (Object) (b ? 1L : 0L);
    }
    if (value instanceof ByteBuffer b) {
      return Values.bytes(b);
    }
    if (value instanceof DecimalValue d) {
      return pg ? Values.toBigDecimal(d) : Values.toBigDecimal(d).toPlainString();
    }
    if (value instanceof DateValue d) {
      LocalDate day = d.getDays();
      return pg ? day : day.toString();
    }
    if (value instanceof TimestampValue t) {
      return pg
          ? OffsetDateTime.ofInstant(t.getMicros(), ZoneOffset.UTC)
          : Values.formatTimestamp(t.getMicros());
    }
    if (value instanceof CharSequence s) {
      return s.toString();
    }
    return value;
  }
}
