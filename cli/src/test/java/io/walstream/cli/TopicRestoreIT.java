package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.restorer.sink.KafkaTopicSink;
import io.walstream.restorer.sink.SqliteRows;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.testing.ChildJvm;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code walstream restore --topic}: the database's change records replayed into a topic, exactly
 * once. Round trip: restored into a topic, archived from it by a second archiver into a second
 * archive, restored from that into SQLite: equal to the model. Killed with {@code kill -9} at
 * random moments and rerun: a {@code read_committed} consumer sees every record exactly once, in
 * order, and between runs only whole transactions.
 */
class TopicRestoreIT {
  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar")).toAbsolutePath();
  private static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);

  @TempDir Path dir;

  /** Archives {@code segments} of {@code perSegment} transactions of 4 records, lsn from 1. */
  private Path archive(String name, int segments, int perSegment) {
    Path archive = dir.resolve(name);
    Records.archive(
        new ArchiveWriter(new FileSystemObjectStore(archive), "test"),
        SHOP,
        1,
        segments,
        perSegment,
        4);
    return archive;
  }

  private static List<String> restoreArgs(Path archive, String topic) {
    return List.of(
        "restore",
        "--archive",
        archive.toUri().toString(),
        "--database",
        "shop",
        "--latest",
        "--topic",
        topic,
        "--bootstrap-servers",
        KafkaBroker.bootstrapServers(),
        "--no-anchor-check");
  }

  @Test
  void shouldRoundTripThroughATopicAndASecondArchiver() throws Exception {
    String prefix = "rt" + UUID.randomUUID().toString().substring(0, 6);
    String topic = prefix + ".changes";
    KafkaBroker.createTopics(3, topic);
    Path first = archive("first", 8, 25);
    long records = 8 * 25 * 4;

    CapturedCli restore = new CapturedCli();
    assertThat(restore.run(restoreArgs(first, topic).toArray(String[]::new)))
        .as(restore.stderr())
        .isZero();
    List<ConsumerRecord<byte[], byte[]>> inTopic = readCommitted(topic);
    assertThat(inTopic).hasSize((int) records);
    assertOrderedOnce(inTopic, 200);
    assertThat(inTopic.get(inTopic.size() - 1).headers().lastHeader(KafkaTopicSink.END_HEADER))
        .as("the last record marks the end")
        .isNotNull();

    CapturedCli again = new CapturedCli();
    assertThat(again.run(restoreArgs(first, topic).toArray(String[]::new)))
        .as(again.stderr())
        .isZero();
    assertThat(readCommitted(topic)).as("a rerun writes nothing twice").hasSize((int) records);

    Path second = dir.resolve("second");
    Map<String, Object> settings =
        TestArchiver.settings(KafkaBroker.bootstrapServers(), second, prefix, topic);
    try (ArchiverApp app = ArchiverApp.start(ArchiverConfig.parse(settings))) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> app.metrics().count("walstream.archiver.records.archived") >= records);
    }
    Path output = dir.resolve("round-trip.db");
    CapturedCli toSqlite = new CapturedCli();
    assertThat(
            toSqlite.run(
                "restore",
                "--archive",
                second.toUri().toString(),
                "--database",
                "shop",
                "--latest",
                "--output",
                output.toString()))
        .as(toSqlite.stderr())
        .isZero();
    assertThat(SqliteRows.keys(output, "id")).isEqualTo(model(200, 4));
  }

  @Test
  void shouldWriteEveryRecordExactlyOnceAcrossKillsAndReruns() throws Exception {
    String topic = "kill" + UUID.randomUUID().toString().substring(0, 6) + ".changes";
    KafkaBroker.createTopics(2, topic);
    int transactions = 40 * 625;
    Path archive = archive("big", 40, 625);
    Random random = new Random(7);
    int kills = 3 * Math.max(1, Integer.getInteger("walstream.soak", 1));
    int wholeAfterKill = 0;
    for (int kill = 0; kill < kills; kill++) {
      Process p = start(archive, topic, "kill-" + kill);
      if (kill == 0) {
        // Early: starting, or inside its first batch.
        long after = 500 + random.nextInt(1_500);
        await()
            .pollDelay(Duration.ofMillis(after))
            .atMost(Duration.ofSeconds(30))
            .until(() -> true);
      } else {
        // Somewhere later: just after a batch committed, or inside the next one.
        long beyond = committedEnd(topic) + 1 + random.nextInt(40_000);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> !p.isAlive() || committedEnd(topic) >= beyond);
      }
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      List<ConsumerRecord<byte[], byte[]>> seen = readCommitted(topic);
      assertOrderedOnce(seen, transactions);
      if (!seen.isEmpty()) {
        assertThat(CODEC.decode(seen.get(seen.size() - 1).value()).getTxLast())
            .as("only whole transactions are visible after kill %d", kill)
            .isTrue();
        wholeAfterKill++;
      }
    }
    Process last = start(archive, topic, "final");
    assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(last.exitValue()).isZero();

    List<ConsumerRecord<byte[], byte[]>> all = readCommitted(topic);
    assertThat(all).hasSize(transactions * 4);
    assertOrderedOnce(all, transactions);
    assertThat(all.get(all.size() - 1).headers().lastHeader(KafkaTopicSink.END_HEADER)).isNotNull();
    assertThat(wholeAfterKill).as("at least one kill after a committed batch").isPositive();
  }

  private Process start(Path archive, String topic, String name) throws Exception {
    return new ProcessBuilder(ChildJvm.jar(JAR, restoreArgs(archive, topic)))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  /**
   * Records carry each (lsn, txIndex) of lsn 1.. at most once, in order without holes, all keyed by
   * the database.
   */
  private static void assertOrderedOnce(
      List<ConsumerRecord<byte[], byte[]>> records, int transactions) {
    long expectedLsn = 1;
    int expectedIndex = 0;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("shop");
      ChangeRecord c = CODEC.decode(r.value());
      assertThat(List.of(c.getLsn(), (long) c.getTxIndex()))
          .as("offset %d", r.offset())
          .isEqualTo(List.of(expectedLsn, (long) expectedIndex));
      if (c.getTxLast()) {
        expectedLsn++;
        expectedIndex = 0;
      } else {
        expectedIndex++;
      }
    }
    assertThat(expectedLsn - 1).isLessThanOrEqualTo(transactions);
  }

  /** The sum of the topic's last stable offsets: how far committed transactions reach. */
  private static long committedEnd(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Every committed record of the topic, partition by partition (one holds them all). */
  private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("read %s to its end in time", topic).isLessThan(deadline);
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Ids per table of transactions lsn 1..{@code transactions} of {@code perTx} records. */
  private static Map<String, TreeSet<Long>> model(int transactions, int perTx) {
    Map<String, TreeSet<Long>> tables = new TreeMap<>();
    for (long lsn = 1; lsn <= transactions; lsn++) {
      for (int i = 0; i < perTx; i++) {
        tables
            .computeIfAbsent(i % 2 == 0 ? "orders" : "customers", t -> new TreeSet<>())
            .add(lsn * 100 + i);
      }
    }
    return tables;
  }
}
