package io.walstream.bench;

import io.walstream.ingest.app.IngestApp;
import io.walstream.ingest.config.IngestConfig;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Debezium transactions at 2 000/s through the ingest (in this JVM) and {@code walstream archive}
 * (its own JVM, 256 MiB): time from each transaction's simulated source commit (its BEGIN sent) to
 * the manifest naming its commit LSN appearing on the manifests topic. Connect and Debezium's own
 * delay is outside what this measures.
 */
final class IngestLatency {
  private static final SingleObjectCodec<SegmentManifest> MANIFESTS =
      SingleObjectCodec.of(SegmentManifest.class);
  private static final String APP = "bench-ingest-latency";
  private static final int RATE = 2000;
  private static final int WARMUP_SECONDS = 5;

  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> manifests;
  private final DebeziumEvents events = new DebeziumEvents("lat");
  private final TreeMap<Long, Long> sentAt = new TreeMap<>();
  private final List<Long> latencies = new ArrayList<>();
  private long sent;

  private IngestLatency(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> m) {
    this.producer = producer;
    this.manifests = m;
  }

  static void measure(EmbeddedKafka kafka, Path jar, Path work, int seconds) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    DebeziumEvents names = new DebeziumEvents("lat");
    for (String topic : List.of(names.accounts(), names.ledger(), names.transactions())) {
      kafka.createTopic(topic, 1);
    }
    String changes = APP + ".changes";
    kafka.createTopic(changes, 1);
    Path dir = Files.createDirectories(work.resolve("latency"));
    Map<String, Object> settings =
        IngestBench.settings(bootstrap, "lat", APP + "-ingest", dir.resolve("state"));
    settings.put(IngestConfig.OUTPUT_TOPIC, changes);
    try (ArchiverProcessHandle archiver =
            new ArchiverProcessHandle(
                jar,
                dir,
                "256m",
                ArchiverBench.archiverArgs(bootstrap, dir.resolve("archive"), changes, APP));
        IngestApp ingest = IngestApp.start(IngestConfig.parse(settings));
        KafkaProducer<byte[], byte[]> producer = IngestBench.producer(bootstrap);
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
      new IngestLatency(producer, manifests).run(seconds);
    }
  }

  private void run(int seconds) throws java.io.IOException {
    long start = System.nanoTime();
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
      long now = System.nanoTime();
      long micros = System.currentTimeMillis() * 1000;
      for (ProducerRecord<byte[], byte[]> r :
          events.transaction(IngestBench.CHANGES_PER_TRANSACTION, micros)) {
        producer.send(r);
      }
      if (sent >= warmup) {
        sentAt.put(events.lastLsn(), now);
      }
      sent++;
    }
  }

  private void observe() {
    for (ConsumerRecord<byte[], byte[]> r : manifests.poll(Duration.ofMillis(5))) {
      long now = System.nanoTime();
      SegmentManifest m = MANIFESTS.decode(r.value());
      var covered = sentAt.headMap(m.getLastLsn(), true);
      for (var e : covered.entrySet()) {
        if (e.getKey() >= m.getFirstLsn()) {
          latencies.add(now - e.getValue());
        }
      }
      covered.clear();
    }
  }

  /** The latency distribution: share of transactions (x) archived within y seconds. */
  private static void chart(List<Long> sorted) throws java.io.IOException {
    Path chart = Path.of(System.getProperty("bench.chart.dir", "docs"), "ingest-latency.png");
    Files.createDirectories(chart.toAbsolutePath().getParent());
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      points.add(new double[] {i, sorted.get(sorted.size() * i / 100) / 1e9});
    }
    points.add(new double[] {100, sorted.get(sorted.size() - 1) / 1e9});
    LineChart.write(
        chart,
        "Debezium transactions at " + RATE + "/s: source commit to manifest published",
        "percentile of transactions",
        "seconds",
        List.of(
            new LineChart.Series("ingest + archiver", new java.awt.Color(30, 110, 200), points)));
    System.out.println("chart: " + chart);
  }

  private void report(int seconds) throws java.io.IOException {
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      throw new IllegalStateException("no manifest was observed on " + APP + ".manifests");
    }
    System.out.printf(
        "latency at %d transactions/s (%d records/s) for %d s after %d s of warm-up"
            + " (%d transactions measured):%n",
        RATE,
        RATE * (IngestBench.CHANGES_PER_TRANSACTION + 2),
        seconds,
        WARMUP_SECONDS,
        sorted.size());
    System.out.printf(
        "| source commit → manifest published p50 | %.0f ms | |%n",
        sorted.get(sorted.size() / 2) / 1e6);
    System.out.printf(
        "| source commit → manifest published p99 | %.0f ms | goal ≤ 3000 ms |%n",
        sorted.get((int) (sorted.size() * 0.99)) / 1e6);
    chart(sorted);
  }
}
