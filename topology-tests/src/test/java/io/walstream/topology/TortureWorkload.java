package io.walstream.topology;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.serde.WalstreamSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random but reproducible input for the torture suites: multi-record transactions of several
 * databases (inserts, updates, deletes over a small key space), with a few records the archiver
 * must dead-letter (undecodable bytes, invalid names, LSNs going backwards) mixed in.
 */
final class TortureWorkload {
  static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

  /** One record to publish: its key, its bytes, and either the change or the expected reason. */
  record Unit(String key, byte[] value, ChangeRecord change, String deadLetterReason) {}

  private final Random random;
  private final List<String> databases;
  private final double badRate;
  private final Map<String, Long> lsns = new HashMap<>();
  private final Map<String, ChangeRecord> firsts = new HashMap<>();

  TortureWorkload(long seed, int databases, double badRate) {
    this.random = new Random(seed);
    this.databases = new ArrayList<>();
    for (int i = 0; i < databases; i++) {
      this.databases.add("db" + i);
    }
    this.badRate = badRate;
  }

  /** The records of the next transaction of a random database, possibly with a bad record. */
  List<Unit> next() {
    String db = databases.get(random.nextInt(databases.size()));
    List<Unit> units = new ArrayList<>();
    if (random.nextDouble() < badRate && firsts.containsKey(db)) {
      units.add(bad(db));
    }
    long lsn = lsns.merge(db, 1L + random.nextInt(3), Long::sum) + 1_000;
    int size = 1 + random.nextInt(4);
    for (int i = 0; i < size; i++) {
      ChangeRecord r = change(db, lsn, i, i == size - 1);
      firsts.putIfAbsent(db, r);
      units.add(new Unit(db, WalstreamSerdes.changeRecord().codec().encode(r), r, null));
    }
    return units;
  }

  private ChangeRecord change(String db, long lsn, int txIndex, boolean last) {
    long id = random.nextInt(50);
    int dice = random.nextInt(10);
    Op op = dice < 2 ? Op.DELETE : dice < 5 ? Op.UPDATE : Op.INSERT;
    Map<String, Object> after = null;
    if (op != Op.DELETE) {
      after = new LinkedHashMap<>();
      after.put("id", id);
      after.put("balance", (long) random.nextInt(1_000_000));
      after.put("owner", "owner-" + random.nextInt(1000));
    }
    return ChangeRecord.newBuilder()
        .setDatabase(db)
        .setTable(random.nextBoolean() ? "accounts" : "transfers")
        .setOp(op)
        .setKey(Map.of("id", id))
        .setAfter(after)
        .setLsn(lsn)
        .setTxIndex(txIndex)
        .setTxLast(last)
        .setCommitTime(T0.plusMillis(lsn))
        .build();
  }

  private Unit bad(String db) {
    switch (random.nextInt(3)) {
      case 0:
        return new Unit(
            db,
            ("garbage " + random.nextLong()).getBytes(StandardCharsets.UTF_8),
            null,
            "undecodable");
      case 1:
        {
          long lsn = lsns.get(db) + 1_000 + 100;
          ChangeRecord r =
              ChangeRecord.newBuilder(firsts.get(db)).setTable("bad\u0001name").setLsn(lsn).build();
          return new Unit(
              db, WalstreamSerdes.changeRecord().codec().encode(r), null, "invalid-name");
        }
      default:
        {
          // An old LSN with different content: not a duplicate, so it must be dead-lettered.
          ChangeRecord r =
              ChangeRecord.newBuilder(firsts.get(db))
                  .setTable("late")
                  .setTxIndex(0)
                  .setTxLast(true)
                  .build();
          return new Unit(
              db, WalstreamSerdes.changeRecord().codec().encode(r), null, "lsn-regression");
        }
    }
  }
}
