package io.walstream.restorer.sink;

import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.TimestampValue;
import io.walstream.schemas.value.Values;
import java.nio.ByteBuffer;

/** Column values as SQLite stores them (see the SQLite type mapping in the README). */
final class SqlValues {
  private SqlValues() {}

  /**
   * The JDBC parameter for a column value. The commonest types come first: a restore converts every
   * column of every row.
   */
  static Object sqlite(Object value) {
    if (value == null || value instanceof Long || value instanceof String) {
      return value;
    }
    if (value instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (value instanceof Integer i) {
      return (long) i;
    }
    if (value instanceof Float f) {
      return (double) f;
    }
    if (value instanceof CharSequence s) {
      return s.toString();
    }
    if (value instanceof ByteBuffer b) {
      return Values.bytes(b);
    }
    if (value instanceof DecimalValue d) {
      return Values.toBigDecimal(d).toPlainString();
    }
    if (value instanceof DateValue d) {
      return d.getDays().toString();
    }
    if (value instanceof TimestampValue t) {
      return Values.formatTimestamp(t.getMicros());
    }
    return value;
  }

  /** The declared SQLite column type for a first value. */
  static String sqliteType(Object value) {
    if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      return "INTEGER";
    }
    if (value instanceof Float || value instanceof Double) {
      return "REAL";
    }
    if (value instanceof ByteBuffer) {
      return "BLOB";
    }
    return value == null ? "" : "TEXT";
  }

  /** An identifier, quoted and escaped. */
  static String quote(String identifier) {
    if (identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("Cannot use identifier with NUL: " + identifier);
    }
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
