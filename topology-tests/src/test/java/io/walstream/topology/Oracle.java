package io.walstream.topology;

import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteRows;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * An independent model of what a restore must produce (table → id → row after the transactions up
 * to an LSN), and a checker that restores random points and compares.
 */
final class Oracle {
  private Oracle() {}

  static Map<String, Map<Long, Map<String, Object>>> expected(
      List<ChangeRecord> records, String database, long upTo) {
    List<ChangeRecord> ordered =
        records.stream()
            .filter(r -> r.getDatabase().equals(database) && r.getLsn() <= upTo)
            .sorted(
                Comparator.comparingLong(ChangeRecord::getLsn)
                    .thenComparingInt(ChangeRecord::getTxIndex))
            .toList();
    Map<String, Map<Long, Map<String, Object>>> tables = new TreeMap<>();
    for (ChangeRecord r : ordered) {
      Map<Long, Map<String, Object>> rows =
          tables.computeIfAbsent(r.getTable(), t -> new TreeMap<>());
      long id = (Long) r.getKey().get("id");
      if (r.getOp() == Op.DELETE) {
        rows.remove(id);
      } else {
        rows.put(id, new TreeMap<>(r.getAfter()));
      }
    }
    tables.values().removeIf(Map::isEmpty);
    return tables;
  }

  /** The restored tables with rows (empty ones are no table in the model). */
  static Map<String, Map<Object, Map<String, Object>>> actual(Path db) throws Exception {
    Map<String, Map<Object, Map<String, Object>>> tables = SqliteRows.read(db, "id");
    tables.values().removeIf(Map::isEmpty);
    return tables;
  }

  /**
   * Restores {@code restores} random LSNs (and latest) of every database and returns how many
   * differed from the model; each restore's output is a new file under {@code dir}.
   */
  static int mismatches(
      ObjectStore store, List<ChangeRecord> valid, Path dir, int restores, long seed)
      throws Exception {
    Random random = new Random(seed);
    Map<String, List<Long>> lsns = new TreeMap<>();
    for (ChangeRecord r : valid) {
      lsns.computeIfAbsent(r.getDatabase(), d -> new ArrayList<>()).add(r.getLsn());
    }
    int bad = 0;
    int n = 0;
    for (Map.Entry<String, List<Long>> db : lsns.entrySet()) {
      List<Long> points = new ArrayList<>();
      points.add(Long.MAX_VALUE);
      for (int i = 0; i < restores; i++) {
        points.add(db.getValue().get(random.nextInt(db.getValue().size())));
      }
      for (long point : points) {
        Path out = dir.resolve("restore-" + n++ + ".db");
        RestoreTarget target =
            point == Long.MAX_VALUE ? new RestoreTarget.Latest() : new RestoreTarget.AtLsn(point);
        new Restorer(store).restore(db.getKey(), target, SqliteSink.open(out, false));
        if (!actual(out).equals(expected(valid, db.getKey(), point))) {
          bad++;
        }
      }
    }
    return bad;
  }
}
