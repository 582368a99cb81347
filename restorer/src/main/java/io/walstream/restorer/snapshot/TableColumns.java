package io.walstream.restorer.snapshot;

import io.walstream.archive.format.Snapshot;
import io.walstream.schemas.value.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The columns of one table as the SQL sinks build them: created with the key columns of its first
 * record (in name order, typed by their values), then a column for each name as it first appears,
 * typed by that first value (after images before keys, each in its map's order).
 */
final class TableColumns {
  private final List<Snapshot.Column> keys;
  private final Map<String, ValueType> columns = new LinkedHashMap<>();

  private TableColumns(List<Snapshot.Column> keys) {
    this.keys = keys;
    keys.forEach(k -> columns.put(k.name(), k.type()));
  }

  /** The shape of a table created by a record with {@code key}. */
  static TableColumns of(Map<String, Object> key) {
    List<Snapshot.Column> keys = new ArrayList<>();
    new TreeMap<>(key)
        .forEach((name, value) -> keys.add(new Snapshot.Column(name, ValueType.of(value))));
    return new TableColumns(keys);
  }

  /** The shape a snapshot recorded. */
  static TableColumns declared(List<Snapshot.Column> keys, List<Snapshot.Column> columns) {
    TableColumns shape = new TableColumns(keys);
    columns.forEach(c -> shape.columns.putIfAbsent(c.name(), c.type()));
    return shape;
  }

  /** Adds the columns of {@code row} not seen yet, typed by their values here. */
  void add(Map<String, Object> row) {
    if (row == null) {
      return;
    }
    for (Map.Entry<String, Object> column : row.entrySet()) {
      columns.computeIfAbsent(column.getKey(), c -> ValueType.of(column.getValue()));
    }
  }

  List<Snapshot.Column> keys() {
    return keys;
  }

  List<Snapshot.Column> columns() {
    List<Snapshot.Column> list = new ArrayList<>();
    columns.forEach((name, type) -> list.add(new Snapshot.Column(name, type)));
    return list;
  }
}
