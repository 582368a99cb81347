package io.walstream.cli;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The shop workload the archiver ITs publish: transaction {@code k} inserts order {@code k}, pays
 * order {@code k - 3}, deletes every fifth order seven back, and sets the progress row to {@code
 * k}; its oracle {@link #model} is computed independently of any restore. Readers of SQLite and
 * PostgreSQL targets give the same shape.
 */
final class ShopWorkload {
  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);

  private ShopWorkload() {}

  /** The records transaction {@code k} publishes. */
  static List<ChangeRecord> transaction(long k) {
    List<ChangeRecord> tx = new ArrayList<>();
    tx.add(record(k, "orders", Op.INSERT, k, order(k, "new")));
    if (k > 3) {
      tx.add(record(k, "orders", Op.UPDATE, k - 3, order(k - 3, "paid")));
    }
    if (k > 7 && (k - 7) % 5 == 0) {
      tx.add(record(k, "orders", Op.DELETE, k - 7, null));
    }
    Map<String, Object> progress = new LinkedHashMap<>();
    progress.put("id", 0L);
    progress.put("lsn", k);
    tx.add(record(k, "progress", Op.UPDATE, 0, progress));
    List<ChangeRecord> indexed = new ArrayList<>();
    for (int i = 0; i < tx.size(); i++) {
      ChangeRecord r = tx.get(i);
      r.setTxIndex(i);
      r.setTxLast(i == tx.size() - 1);
      indexed.add(r);
    }
    return indexed;
  }

  static long records(long transactions) {
    long n = 0;
    for (long k = 1; k <= transactions; k++) {
      n += transaction(k).size();
    }
    return n;
  }

  static Map<String, Object> order(long id, String status) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("status", status);
    row.put("total", id * 3);
    return row;
  }

  static ChangeRecord record(long lsn, String table, Op op, long id, Map<String, Object> after) {
    return ChangeRecord.newBuilder()
        .setDatabase("shop")
        .setTable(table)
        .setOp(op)
        .setKey(Map.of("id", id))
        .setAfter(after)
        .setLsn(lsn)
        .setTxIndex(0)
        .setTxLast(false)
        .setCommitTime(T0.plusMillis(lsn * 10))
        .build();
  }

  /** The oracle: orders (id → "status/total") and the progress lsn after transaction {@code k}. */
  static Map<String, Object> model(long k) {
    TreeMap<Long, String> orders = new TreeMap<>();
    for (long j = 1; j <= k; j++) {
      orders.put(j, "new/" + (j * 3));
      if (j > 3 && orders.containsKey(j - 3)) {
        orders.put(j - 3, "paid/" + ((j - 3) * 3));
      }
      if (j > 7 && (j - 7) % 5 == 0) {
        orders.remove(j - 7);
      }
    }
    Map<String, Object> state = new TreeMap<>();
    state.put("orders", orders);
    state.put("progress", k);
    return state;
  }

  static void publish(KafkaProducer<byte[], byte[]> producer, String topic, long k) {
    for (ChangeRecord r : transaction(k)) {
      producer.send(
          new ProducerRecord<>(topic, "shop".getBytes(StandardCharsets.UTF_8), CODEC.encode(r)));
    }
  }

  /** What one read transaction of the SQLite file sees (empty before the first restore). */
  static Map<String, Object> sqliteState(Path file) throws Exception {
    if (!java.nio.file.Files.exists(file)) {
      return Map.of();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.setAutoCommit(false);
      Map<String, Object> state = state(c, "\"orders\"", "\"progress\"");
      c.rollback();
      return state;
    }
  }

  /** What one repeatable-read transaction of the schema sees (empty before the first restore). */
  static Map<String, Object> postgresState(String schema) throws Exception {
    try (Connection c = DriverManager.getConnection(Postgres.URL)) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (ResultSet rs = c.getMetaData().getTables(null, schema, "progress", null)) {
        if (!rs.next()) {
          c.rollback();
          return Map.of();
        }
      }
      Map<String, Object> state =
          state(c, "\"" + schema + "\".\"orders\"", "\"" + schema + "\".\"progress\"");
      c.rollback();
      return state;
    }
  }

  static Map<String, Object> state(Connection c, String orders, String progress) throws Exception {
    TreeMap<Long, String> rows = new TreeMap<>();
    Map<String, Object> state = new TreeMap<>();
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT id, status, total FROM " + orders)) {
        while (rs.next()) {
          rows.put(rs.getLong(1), rs.getString(2) + "/" + rs.getLong(3));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT lsn FROM " + progress)) {
        state.put("progress", rs.next() ? rs.getLong(1) : -1L);
      }
    }
    state.put("orders", rows);
    return state;
  }

  /** An idempotent producer with {@code client} settings (the broker's bootstrap servers). */
  static KafkaProducer<byte[], byte[]> producer(Map<?, ?> client) {
    Map<String, Object> config = new HashMap<>();
    client.forEach((k, v) -> config.put(String.valueOf(k), v));
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static void dropSchema(String schema) throws Exception {
    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }
  }
}
