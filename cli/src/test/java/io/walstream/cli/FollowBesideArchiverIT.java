package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.restorer.follow.FollowLoop;
import io.walstream.restorer.follow.FollowTarget;
import io.walstream.restorer.follow.Follower;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.testing.KafkaBroker;
import io.walstream.schemas.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Followers on SQLite and on PostgreSQL beside a running archiver, while a producer publishes
 * multi-record transactions (inserts, updates, deletes and a progress row). Readers take snapshots
 * of each target at random moments: every one equals the model at some transaction boundary (the
 * one its progress row names). At the end both targets equal the model at the latest transaction.
 */
class FollowBesideArchiverIT {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final int TRANSACTIONS = 400;
  private static final int BEFORE_FOLLOWING = 20;
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);

  @TempDir Path dir;

  @Test
  void shouldShowReadersOnlyTransactionBoundariesAndEndEqualToTheModel() throws Exception {
    Postgres.require();
    String prefix = "fb" + UUID.randomUUID().toString().substring(0, 6);
    String topic = prefix + ".changes";
    String schema = prefix + "_replica";
    KafkaBroker.createTopics(1, topic);
    Path archive = dir.resolve("archive");
    Path sqlite = dir.resolve("replica.db");
    AtomicLong published = new AtomicLong();
    ScheduledExecutorService producerThread = Executors.newSingleThreadScheduledExecutor();
    List<Thread> threads = new ArrayList<>();
    List<FollowLoop> loops = new ArrayList<>();
    AtomicBoolean reading = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    AtomicInteger sqliteReads = new AtomicInteger();
    AtomicInteger postgresReads = new AtomicInteger();
    try (ArchiverApp app =
            ArchiverApp.start(
                ArchiverConfig.parse(
                    TestArchiver.settings(
                        KafkaBroker.bootstrapServers(), archive, prefix, topic)));
        KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int k = 1; k <= BEFORE_FOLLOWING; k++) {
        publish(producer, topic, k);
      }
      producer.flush();
      published.set(BEFORE_FOLLOWING);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  app.metrics().count("walstream.archiver.records.archived")
                      >= records(BEFORE_FOLLOWING));

      FileSystemObjectStore store = new FileSystemObjectStore(archive);
      for (FollowTarget target :
          List.of(
              new FollowTarget.SqliteFile(sqlite),
              new FollowTarget.PostgresSchema(Postgres.URL, schema))) {
        Follower follower =
            new Follower(store, "shop", target, GapPolicy.REFUSE, Follower.Reseed.REFUSE);
        follower.start();
        FollowLoop loop =
            new FollowLoop(
                follower,
                Duration.ofMillis(100),
                Clock.systemUTC(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        loops.add(loop);
        threads.add(thread(() -> loop.run(), "follow " + target.describe()));
      }
      threads.add(
          thread(
              () -> read(reading, wrong, sqliteReads, () -> sqliteState(sqlite)), "sqlite reader"));
      threads.add(
          thread(
              () -> read(reading, wrong, postgresReads, () -> postgresState(schema)), "pg reader"));
      // About 50 transactions a second, each published whole.
      producerThread.scheduleAtFixedRate(
          () -> {
            long k = published.get() + 1;
            if (k <= TRANSACTIONS) {
              publish(producer, topic, k);
              producer.flush();
              published.set(k);
            }
          },
          0,
          20,
          TimeUnit.MILLISECONDS);

      await().atMost(Duration.ofSeconds(120)).until(() -> published.get() == TRANSACTIONS);
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> sqliteState(sqlite).equals(model(TRANSACTIONS)));
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> postgresState(schema).equals(model(TRANSACTIONS)));
    } finally {
      producerThread.shutdownNow();
      reading.set(false);
      for (FollowLoop loop : loops) {
        loop.stop();
      }
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
      dropSchema(schema);
    }
    assertThat(wrong).isEmpty();
    assertThat(sqliteReads.get())
        .as("reads of the SQLite file while it followed")
        .isGreaterThan(10);
    assertThat(postgresReads.get()).as("reads of the schema while it followed").isGreaterThan(10);
  }

  /** The records transaction {@code k} publishes. */
  private static List<ChangeRecord> transaction(long k) {
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

  private static long records(long transactions) {
    long n = 0;
    for (long k = 1; k <= transactions; k++) {
      n += transaction(k).size();
    }
    return n;
  }

  private static Map<String, Object> order(long id, String status) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("status", status);
    row.put("total", id * 3);
    return row;
  }

  private static ChangeRecord record(
      long lsn, String table, Op op, long id, Map<String, Object> after) {
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
  private static Map<String, Object> model(long k) {
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

  private static void publish(KafkaProducer<byte[], byte[]> producer, String topic, long k) {
    for (ChangeRecord r : transaction(k)) {
      producer.send(
          new ProducerRecord<>(topic, "shop".getBytes(StandardCharsets.UTF_8), CODEC.encode(r)));
    }
  }

  private interface Reading {
    Map<String, Object> state() throws Exception;
  }

  private static void read(
      AtomicBoolean reading,
      ConcurrentLinkedQueue<String> wrong,
      AtomicInteger reads,
      Reading reader) {
    while (reading.get()) {
      try {
        Map<String, Object> state = reader.state();
        if (state.isEmpty()) {
          continue;
        }
        long k = (Long) state.get("progress");
        if (!state.equals(model(k))) {
          wrong.add("not the state after transaction " + k + ": " + state);
        }
        reads.incrementAndGet();
      } catch (Exception e) {
        wrong.add("a read failed: " + e);
      }
    }
  }

  /** What one read transaction of the SQLite file sees (empty before the first restore). */
  private static Map<String, Object> sqliteState(Path file) throws Exception {
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
  private static Map<String, Object> postgresState(String schema) throws Exception {
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

  private static Map<String, Object> state(Connection c, String orders, String progress)
      throws Exception {
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

  private interface Body {
    void run() throws Exception;
  }

  private static Thread thread(Body body, String name) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                throw new IllegalStateException(name + " failed", e);
              }
            },
            name);
    t.start();
    return t;
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> config = new HashMap<>();
    KafkaBroker.clientProperties().forEach((k, v) -> config.put(String.valueOf(k), v));
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void dropSchema(String schema) throws Exception {
    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }
  }
}
