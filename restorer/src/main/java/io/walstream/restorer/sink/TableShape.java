package io.walstream.restorer.sink;

import java.util.List;

/**
 * A restored table's key columns and all its columns, in order: what a resumed restore needs to go
 * on writing a table an interrupted one created.
 */
record TableShape(List<String> keys, List<String> columns) {
  TableShape {
    keys = List.copyOf(keys);
    columns = List.copyOf(columns);
    if (keys.isEmpty() || !columns.containsAll(keys)) {
      throw new IllegalArgumentException(
          "a restored table has key columns, all among its columns: " + keys + " / " + columns);
    }
  }
}
