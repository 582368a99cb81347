package io.walstream.bench;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.value.Values;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Realistic change records for benchmarks: a shop database with customers, products, orders and
 * order items; multi-record transactions; about 20% updates and 5% deletes; rows of roughly 300
 * bytes to 1 KB encoded, with text that compresses the way real row data does.
 */
public final class Workload {
  private static final String[] WORDS = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "street", "avenue", "road", "berlin", "paris", "london", "madrid", "rome", "vienna", "oslo"
  };
  private static final String[] TABLES = {"customers", "products", "orders", "order_items"};
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  private final Random random;
  private final int keySpace;
  private long lsn = 1_000;
  private long nextId = 1;

  public Workload(long seed) {
    this(seed, 0);
  }

  private Workload(long seed, int keySpace) {
    this.random = new Random(seed);
    this.keySpace = keySpace;
  }

  /**
   * A workload whose rows stay within {@code keySpace} ids per table: every change picks its id at
   * random from them (an insert of an id that exists replaces the row, as restores apply it), so
   * the database's state stays bounded however long the history grows.
   */
  public static Workload bounded(long seed, int keySpace) {
    if (keySpace < 1) {
      throw new IllegalArgumentException("Cannot bound a workload to " + keySpace + " ids");
    }
    return new Workload(seed, keySpace);
  }

  /** The next {@code count} records, in (lsn, txIndex) order, ending on a transaction boundary. */
  public List<ChangeRecord> next(String database, int count) {
    List<ChangeRecord> records = new ArrayList<>(count);
    while (records.size() < count) {
      int size = 1 + random.nextInt(Math.min(8, count - records.size()));
      lsn += 1 + random.nextInt(3);
      Instant commit = T0.plusMillis(lsn * 7);
      for (int i = 0; i < size; i++) {
        records.add(record(database, i, i == size - 1, commit));
      }
    }
    return records;
  }

  private ChangeRecord record(String database, int txIndex, boolean last, Instant commit) {
    String table = TABLES[random.nextInt(TABLES.length)];
    int dice = random.nextInt(100);
    boolean warm = keySpace > 0 || nextId > 10;
    Op op = dice < 5 && warm ? Op.DELETE : dice < 25 && warm ? Op.UPDATE : Op.INSERT;
    long id =
        keySpace > 0
            ? 1 + random.nextInt(keySpace)
            : op == Op.INSERT ? nextId++ : 1 + (long) (random.nextDouble() * (nextId - 1));
    return ChangeRecord.newBuilder()
        .setDatabase(database)
        .setTable(table)
        .setOp(op)
        .setKey(Map.of("id", id))
        .setAfter(op == Op.DELETE ? null : row(table, id, commit))
        .setLsn(lsn)
        .setTxIndex(txIndex)
        .setTxLast(last)
        .setCommitTime(commit)
        .setSchemaVersion(1)
        .build();
  }

  private Map<String, Object> row(String table, long id, Instant commit) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("name", words(2 + random.nextInt(3)));
    row.put("description", words(20 + random.nextInt(90)));
    row.put("amount", Values.decimal(BigDecimal.valueOf(random.nextInt(1_000_000), 2)));
    row.put("quantity", (long) random.nextInt(100));
    row.put("active", random.nextBoolean());
    row.put("ratio", random.nextDouble());
    row.put("created_on", Values.date(LocalDate.of(2026, 1, 1).plusDays(random.nextInt(300))));
    row.put("updated_at", Values.timestamp(commit));
    if (table.equals("products")) {
      byte[] digest = new byte[16];
      random.nextBytes(digest);
      row.put("image_digest", ByteBuffer.wrap(digest));
    }
    return row;
  }

  private String words(int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(WORDS[random.nextInt(WORDS.length)]);
      if (random.nextInt(10) == 0) {
        sb.append(random.nextInt(10_000));
      }
    }
    return sb.toString();
  }
}
