package io.walstream.restorer.snapshot;

import io.walstream.archive.format.SnapshotChunks;
import io.walstream.schemas.avro.SnapshotRow;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of a row within its table: its key columns in name order, with values compared as
 * SQL compares them (an int is the long of the same value, a float the double), encoded as bytes.
 */
final class RowKeys {
  private RowKeys() {}

  static byte[] encode(Map<String, Object> key) {
    Map<String, Object> normal = new TreeMap<>();
    key.forEach((name, value) -> normal.put(name, normalize(value)));
    return SnapshotChunks.encodeRow(new SnapshotRow(normal, Map.of()));
  }

  private static Object normalize(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof CharSequence s) {
      return s.toString();
    }
    return value;
  }
}
