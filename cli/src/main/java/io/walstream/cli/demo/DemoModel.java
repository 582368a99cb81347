package io.walstream.cli.demo;

import io.walstream.restorer.sink.SqliteRows;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.avro.TimestampValue;
import io.walstream.schemas.value.Values;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a restore must produce, computed independently of the restorer: the rows of every table
 * after applying the changes up to an LSN, with values as the SQLite sink stores them (booleans as
 * 0/1, decimals as plain text, timestamps as ISO-8601 UTC with microseconds).
 */
final class DemoModel {
  private DemoModel() {}

  /** table → id → column → value, for the changes with {@code lsn <= upTo}. */
  static Map<String, Map<Long, Map<String, Object>>> expected(
      List<ChangeRecord> changes, long upTo) {
    Map<String, Map<Long, Map<String, Object>>> tables = new TreeMap<>();
    for (ChangeRecord r : changes) {
      if (r.getLsn() > upTo) {
        break;
      }
      Map<Long, Map<String, Object>> rows =
          tables.computeIfAbsent(r.getTable(), t -> new TreeMap<>());
      long id = (Long) r.getKey().get("id");
      if (r.getOp() == Op.DELETE) {
        rows.remove(id);
      } else {
        Map<String, Object> row = new TreeMap<>();
        r.getAfter().forEach((k, v) -> row.put(k, sqlite(v)));
        rows.put(id, row);
      }
    }
    return tables;
  }

  private static Object sqlite(Object v) {
    if (v instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (v instanceof Integer i) {
      return (long) i;
    }
    if (v instanceof DecimalValue d) {
      return Values.toBigDecimal(d).toPlainString();
    }
    if (v instanceof TimestampValue t) {
      return Values.formatTimestamp(t.getMicros());
    }
    return v instanceof CharSequence s ? s.toString() : v;
  }

  /** The same shape, read from a restored SQLite file (NULL columns left out). */
  static Map<String, Map<Object, Map<String, Object>>> actual(Path db) throws SQLException {
    return SqliteRows.read(db, "id");
  }
}
