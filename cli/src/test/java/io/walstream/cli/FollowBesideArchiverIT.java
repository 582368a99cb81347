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
import io.walstream.schemas.testing.KafkaBroker;
import io.walstream.schemas.testing.Postgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Followers on SQLite and on PostgreSQL beside a running archiver, while a producer publishes
 * multi-record transactions (inserts, updates, deletes and a progress row). Readers take snapshots
 * of each target at random moments: every one equals the model at some transaction boundary (the
 * one its progress row names). At the end both targets equal the model at the latest transaction.
 */
class FollowBesideArchiverIT {
  private static final int TRANSACTIONS = 400;
  private static final int BEFORE_FOLLOWING = 20;

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
        KafkaProducer<byte[], byte[]> producer =
            ShopWorkload.producer(KafkaBroker.clientProperties())) {
      for (int k = 1; k <= BEFORE_FOLLOWING; k++) {
        ShopWorkload.publish(producer, topic, k);
      }
      producer.flush();
      published.set(BEFORE_FOLLOWING);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  app.metrics().count("walstream.archiver.records.archived")
                      >= ShopWorkload.records(BEFORE_FOLLOWING));

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
              () -> read(reading, wrong, sqliteReads, () -> ShopWorkload.sqliteState(sqlite)),
              "sqlite reader"));
      threads.add(
          thread(
              () -> read(reading, wrong, postgresReads, () -> ShopWorkload.postgresState(schema)),
              "pg reader"));
      // About 50 transactions a second, each published whole.
      producerThread.scheduleAtFixedRate(
          () -> {
            long k = published.get() + 1;
            if (k <= TRANSACTIONS) {
              ShopWorkload.publish(producer, topic, k);
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
          .until(() -> ShopWorkload.sqliteState(sqlite).equals(ShopWorkload.model(TRANSACTIONS)));
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> ShopWorkload.postgresState(schema).equals(ShopWorkload.model(TRANSACTIONS)));
    } finally {
      producerThread.shutdownNow();
      reading.set(false);
      for (FollowLoop loop : loops) {
        loop.stop();
      }
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
      ShopWorkload.dropSchema(schema);
    }
    assertThat(wrong).isEmpty();
    assertThat(sqliteReads.get())
        .as("reads of the SQLite file while it followed")
        .isGreaterThan(10);
    assertThat(postgresReads.get()).as("reads of the schema while it followed").isGreaterThan(10);
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
        if (!state.equals(ShopWorkload.model(k))) {
          wrong.add("not the state after transaction " + k + ": " + state);
        }
        reads.incrementAndGet();
      } catch (Exception e) {
        wrong.add("a read failed: " + e);
      }
    }
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
}
