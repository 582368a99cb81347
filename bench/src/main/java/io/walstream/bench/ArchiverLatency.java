package io.walstream.bench;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produce at 5 000 records/s; time from each send to its manifest appearing on the manifests topic.
 */
final class ArchiverLatency {
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);
  private static final SingleObjectCodec<SegmentManifest> MANIFESTS =
      SingleObjectCodec.of(SegmentManifest.class);
  private static final String APP = "bench-latency";
  private static final int RATE = 5000;
  private static final int WARMUP_SECONDS = 5;

  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> manifests;
  private final String topic;
  private final Map<Long, Long> sentAt = new HashMap<>();
  private final List<Long> latencies = new ArrayList<>();
  private final Workload workload = new Workload(11);
  private final byte[] key = "shop".getBytes(StandardCharsets.UTF_8);
  private long sent;
  private long lastLsn;

  private ArchiverLatency(
      KafkaProducer<byte[], byte[]> producer,
      KafkaConsumer<byte[], byte[]> manifests,
      String topic) {
    this.producer = producer;
    this.manifests = manifests;
    this.topic = topic;
  }

  static void measure(EmbeddedKafka kafka, Path jar, Path work, int seconds) throws Exception {
    String topic = "bench.latency";
    kafka.createTopic(topic, 1);
    Path dir = Files.createDirectories(work.resolve("latency"));
    String bootstrap = kafka.bootstrapServers();
    try (ArchiverProcessHandle archiver =
            new ArchiverProcessHandle(
                jar,
                dir,
                "256m",
                ArchiverBench.archiverArgs(bootstrap, dir.resolve("archive"), topic, APP));
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 5),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> manifests =
            new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
      archiver.awaitStarted();
      // The archiver creates its manifests topic at startup; give it time to exist.
      Thread.sleep(5000);
      List<TopicPartition> parts =
          manifests.partitionsFor(APP + ".manifests").stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      manifests.assign(parts);
      manifests.seekToBeginning(parts);
      new ArchiverLatency(producer, manifests, topic).run(seconds);
    }
  }

  private void run(int seconds) {
    long start = System.nanoTime();
    // The first seconds warm the archiver up (sent, not measured): a fresh JVM compiles its hot
    // paths then, and its first commits are slow for that reason alone.
    long warmup = (long) RATE * WARMUP_SECONDS;
    long total = warmup + (long) RATE * seconds;
    long deadline = start + (WARMUP_SECONDS + seconds + 30) * 1_000_000_000L;
    while (sent < total || !sentAt.isEmpty()) {
      long due = (System.nanoTime() - start) * RATE / 1_000_000_000L;
      send(Math.min(due, total), warmup);
      observe();
      if (sent >= total && System.nanoTime() > deadline) {
        break;
      }
    }
    report(seconds);
  }

  private void send(long upTo, long warmup) {
    while (sent < upTo) {
      for (ChangeRecord record : workload.next("shop", 1)) {
        if (sent >= warmup) {
          sentAt.putIfAbsent(record.getLsn(), System.nanoTime());
        }
        producer.send(new ProducerRecord<>(topic, 0, key, CODEC.encode(record)));
        lastLsn = record.getLsn();
        sent++;
      }
    }
  }

  private void observe() {
    for (ConsumerRecord<byte[], byte[]> r : manifests.poll(Duration.ofMillis(5))) {
      long now = System.nanoTime();
      SegmentManifest m = MANIFESTS.decode(r.value());
      for (var e : sentAt.entrySet()) {
        if (e.getKey() >= m.getFirstLsn() && e.getKey() <= m.getLastLsn()) {
          latencies.add(now - e.getValue());
        }
      }
      sentAt.keySet().removeIf(lsn -> lsn <= m.getLastLsn());
    }
  }

  private void report(int seconds) {
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      throw new IllegalStateException("no manifest was observed on " + APP + ".manifests");
    }
    double p50 = sorted.get(sorted.size() / 2) / 1e6;
    double p99 = sorted.get((int) (sorted.size() * 0.99)) / 1e6;
    System.out.printf(
        "latency at %d records/s for %d s after %d s of warm-up (%d transactions measured,"
            + " last lsn %d):%n",
        RATE, seconds, WARMUP_SECONDS, sorted.size(), lastLsn);
    System.out.printf("| produce → manifest published p50 | %.0f ms | |%n", p50);
    System.out.printf(
        "| produce → manifest published p99 | %.0f ms | goal ≤ 1500 ms (1.5 × commit interval) |%n",
        p99);
  }
}
