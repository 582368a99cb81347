package io.walstream.bench;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The archiver against the raw consumer on the same topic in the same run: throughput ratio,
 * produce-to-manifest latency at a steady rate, heap after GC under -Xmx256m, and write
 * amplification (bytes the archiver writes to Kafka ÷ input bytes).
 */
final class ArchiverBench implements Bench.Scenario {
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);
  private static final int LATENCY_WARMUP_SECONDS = 5;

  @Override
  public String description() {
    return "archiver vs raw consumer [records=1000000] [jar=cli/target/walstream.jar] [latencySeconds=20] [partitions=1]";
  }

  @Override
  public void run(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path jar = Path.of(args.length > 1 ? args[1] : "cli/target/walstream.jar");
    int latencySeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int partitions = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    try (WorkDir workDir = new WorkDir("walstream-bench");
        EmbeddedKafka kafka = new EmbeddedKafka()) {
      Path work = workDir.path();
      String topic = "bench.changes";
      kafka.createTopic(topic, partitions);
      long inputBytes = preload(kafka.bootstrapServers(), topic, partitions, records);
      // Twice, keeping the faster pass: the second runs with the client code compiled, as the
      // archiver's steady state below does.
      Drain first = rawConsume(kafka.bootstrapServers(), topic, partitions, records);
      Drain second = rawConsume(kafka.bootstrapServers(), topic, partitions, records);
      Drain raw = first.seconds() < second.seconds() ? first : second;
      double rawSeconds = raw.seconds();
      System.out.printf(
          "input: %d records, %.1f MB (%.0f B/record), %d partition(s)%n",
          records, inputBytes / 1e6, (double) inputBytes / records, partitions);
      System.out.printf(
          "raw consumer: %.0f records/s, %.1f MB/s, %.2f µs of CPU a record (its thread)%n",
          records / rawSeconds, inputBytes / 1e6 / rawSeconds, raw.cpuSeconds() / records * 1e6);
      double streamsSeconds =
          Math.min(
              StreamsNoOpLimit.drain(kafka.bootstrapServers(), topic, records, work),
              StreamsNoOpLimit.drain(kafka.bootstrapServers(), topic, records, work));
      System.out.printf(
          "Kafka Streams, counting only (exactly_once_v2): %.0f records/s, %.1f MB/s (%.2f × raw"
              + " consumer)%n",
          records / streamsSeconds, inputBytes / 1e6 / streamsSeconds, rawSeconds / streamsSeconds);
      throughput(kafka, jar, work, topic, records, inputBytes, raw, streamsSeconds);
      latency(kafka, jar, work, latencySeconds);
    }
  }

  private static Map<String, Object> producerConfig(String bootstrap) {
    return Map.of(
        "bootstrap.servers",
        bootstrap,
        "acks",
        "all",
        "enable.idempotence",
        true,
        "batch.size",
        131072,
        "linger.ms",
        20,
        "compression.type",
        "lz4");
  }

  /** Preloads the topic; with several partitions, records go round-robin (one stream each). */
  private static long preload(String bootstrap, String topic, int partitions, int records) {
    long bytes = 0;
    Workload workload = new Workload(7);
    byte[] key = "shop".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            producerConfig(bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int done = 0; done < records; ) {
        for (ChangeRecord record : workload.next("shop", Math.min(10_000, records - done))) {
          byte[] value = CODEC.encode(record);
          producer.send(new ProducerRecord<>(topic, done % partitions, key, value));
          bytes += key.length + value.length;
          done++;
        }
      }
      producer.flush();
    }
    return bytes;
  }

  /** Seconds the raw consumer needs to drain the topic, from its first record to its last. */
  /** How long draining the topic took, and the CPU the draining thread used meanwhile. */
  private record Drain(double seconds, double cpuSeconds) {}

  /**
   * Drains the topic with a plain consumer, timed from its first record to its last; the classic
   * consumer fetches on the polling thread, so that thread's CPU is the consumer's.
   */
  private static Drain rawConsume(String bootstrap, String topic, int partitions, int records) {
    Map<String, Object> config =
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "isolation.level",
            "read_committed",
            "enable.auto.commit",
            false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        all.add(new TopicPartition(topic, p));
      }
      consumer.assign(all);
      consumer.seekToBeginning(all);
      long count = 0;
      long start = 0;
      long cpuStart = 0;
      long sink = 0;
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      while (count < records) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (count == 0) {
            start = System.nanoTime();
            cpuStart = threads.getCurrentThreadCpuTime();
          }
          sink += record.value().length;
          count++;
        }
      }
      if (sink == 0) {
        throw new IllegalStateException("raw consumer read no bytes");
      }
      return new Drain(
          (System.nanoTime() - start) / 1e9, (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
    }
  }

  private static List<String> archiverArgs(
      String bootstrap, Path archive, String topic, String app, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers",
                bootstrap,
                "--archive",
                archive.toUri().toString(),
                "--input-topic",
                topic,
                "--set",
                "application.id=" + app,
                "--set",
                "metrics.port=0",
                "--set",
                "manifests.topic=" + app + ".manifests",
                "--set",
                "dlq.topic=" + app + ".dlq"));
    args.addAll(List.of(more));
    for (String extra : System.getProperty("bench.archiver.set", "").split(",")) {
      if (!extra.isBlank()) {
        args.addAll(List.of("--set", extra.trim()));
      }
    }
    return args;
  }

  private static void throughput(
      EmbeddedKafka kafka,
      Path jar,
      Path work,
      String topic,
      int records,
      long inputBytes,
      Drain raw,
      double streamsSeconds)
      throws Exception {
    double rawSeconds = raw.seconds();
    Path dir = Files.createDirectories(work.resolve("throughput"));
    try (ArchiverProcessHandle archiver =
        new ArchiverProcessHandle(
            jar,
            dir,
            "256m",
            archiverArgs(
                kafka.bootstrapServers(), dir.resolve("archive"), topic, "bench-throughput"))) {
      archiver.awaitStarted();
      long start = 0;
      java.time.Duration cpuAtStart = java.time.Duration.ZERO;
      // The steady state starts once a third of the input was taken in: by then the fresh JVM's
      // compiler, which takes a third of the CPU of the first seconds on 2 cores, has settled.
      long steadyStart = 0;
      // (seconds since start, records taken in) each time another tenth of the input is in.
      List<double[]> tenths = new ArrayList<>();
      double steadyIn = 0;
      while (true) {
        double in = archiver.counter("walstream_archiver_records_in_total");
        if (start == 0 && in > 0) {
          start = System.nanoTime();
          cpuAtStart = archiver.cpu();
        }
        if (steadyStart == 0 && in >= records / 3.0) {
          steadyStart = System.nanoTime();
          steadyIn = in;
        }
        if (start != 0 && in >= (tenths.size() + 1) * records / 10.0) {
          tenths.add(new double[] {(System.nanoTime() - start) / 1e9, in});
        }
        double archived = archiver.counter("walstream_archiver_records_archived_total");
        if (archived >= records) {
          break;
        }
        // A scrape renders every Kafka metric too: poll gently, so that measuring costs little,
        // except at the start and near the end, whose times are measured.
        Thread.sleep(start == 0 || in >= records * 0.97 ? 20 : 250);
      }
      long end = System.nanoTime();
      double seconds = (end - start) / 1e9;
      double steadyRate = (records - steadyIn) / ((end - steadyStart) / 1e9);
      double cpuSeconds = (archiver.cpu().minus(cpuAtStart)).toMillis() / 1e3;
      System.out.printf(
          "archiver CPU: %.1f s over %.1f s of wall time (%.0f%% of one core)%n",
          cpuSeconds, seconds, 100 * cpuSeconds / seconds);
      double archiverCpu = cpuSeconds / records;
      double rawCpu = raw.cpuSeconds() / records;
      System.out.printf(
          "CPU a record: archiver %.2f µs (its process, whole run), raw consumer %.2f µs (%.1f ×);"
              + " at 0.7 × the raw consumer's rate the archiver would need %.1f cores%n",
          archiverCpu * 1e6,
          rawCpu * 1e6,
          archiverCpu / rawCpu,
          0.7 * (records / rawSeconds) * archiverCpu);
      double segments = archiver.counter("walstream_archiver_segments_written_total");
      double stored = archiver.counter("walstream_archiver_segment_bytes_written_total");
      long written =
          topicBytes(kafka.bootstrapServers(), "bench-throughput.manifests")
              + topicBytes(kafka.bootstrapServers(), "bench-throughput.dlq");
      System.out.printf(
          "archiver: %.0f records/s, %.1f MB/s, %.0f segments, %.1f MB stored (%.1f%% of the"
              + " input)%n",
          records / seconds,
          inputBytes / 1e6 / seconds,
          segments,
          stored / 1e6,
          100 * stored / inputBytes);
      StringBuilder timeline = new StringBuilder("archiver records/s taken in, by tenth of input:");
      double[] previous = {0, 0};
      for (double[] tenth : tenths) {
        timeline.append(
            String.format(" %.0fk", (tenth[1] - previous[1]) / (tenth[0] - previous[0]) / 1e3));
        previous = tenth;
      }
      System.out.println(timeline);
      System.out.printf(
          "archiver, steady state (last two thirds): %.0f records/s, %.1f MB/s%n",
          steadyRate, steadyRate * inputBytes / records / 1e6);
      System.out.printf(
          "| throughput ratio archiver ÷ raw consumer, whole run (cold JVM) | %.2f | |%n",
          rawSeconds / seconds);
      System.out.printf(
          "| throughput ratio archiver ÷ raw consumer, steady state | %.2f | goal ≥ 0.70 |%n",
          steadyRate * rawSeconds / records);
      System.out.printf(
          "| throughput ratio archiver ÷ counting Kafka Streams app, steady state | %.2f | |%n",
          steadyRate * streamsSeconds / records);
      System.out.printf(
          "| write amplification (bytes to Kafka ÷ input bytes) | %.5f | goal ≤ 0.02 |%n",
          (double) written / inputBytes);
      System.out.printf(
          "| max heap after GC under -Xmx256m | %d MiB | steady |%n", archiver.maxHeapAfterGcMiB());
      System.out.println("where the stream thread's time went:");
      archiver
          .metricLines(
              "(cut_latency|commit_wait)_seconds_(sum|count)|stream_thread_(poll|process|commit|punctuate)_ratio")
          .forEach(line -> System.out.println("  " + line));
    }
  }

  private static long topicBytes(String bootstrap, String topic) {
    Map<String, Object> config =
        Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long bytes = 0;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          bytes +=
              (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
          for (var h : r.headers()) {
            bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
          }
        }
      }
      return bytes;
    }
  }

  /**
   * Produce at 5 000 records/s; time from send to its manifest appearing on the manifests topic.
   */
  private static void latency(EmbeddedKafka kafka, Path jar, Path work, int seconds)
      throws Exception {
    String topic = "bench.latency";
    kafka.createTopic(topic, 1);
    Path dir = Files.createDirectories(work.resolve("latency"));
    Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    try (ArchiverProcessHandle archiver =
            new ArchiverProcessHandle(
                jar,
                dir,
                "256m",
                archiverArgs(
                    kafka.bootstrapServers(), dir.resolve("archive"), topic, "bench-latency"));
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                Map.of(
                    "bootstrap.servers", kafka.bootstrapServers(), "acks", "all", "linger.ms", 5),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> manifests =
            new KafkaConsumer<>(
                Map.of(
                    "bootstrap.servers",
                    kafka.bootstrapServers(),
                    "isolation.level",
                    "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
      archiver.awaitStarted();
      SingleObjectCodec<SegmentManifest> codec = SingleObjectCodec.of(SegmentManifest.class);
      Thread.sleep(5000);
      List<TopicPartition> parts =
          manifests.partitionsFor("bench-latency.manifests").stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      manifests.assign(parts);
      manifests.seekToBeginning(parts);
      Workload workload = new Workload(11);
      byte[] key = "shop".getBytes(StandardCharsets.UTF_8);
      long start = System.nanoTime();
      long sent = 0;
      // The first seconds warm the archiver up (sent, not measured): a fresh JVM compiles its
      // hot paths then, and its first commits are slow for that reason alone.
      long warmup = 5000L * LATENCY_WARMUP_SECONDS;
      long total = warmup + 5000L * seconds;
      long lastLsn = 0;
      while (sent < total || latencies.size() < sentAt.size()) {
        long due = (System.nanoTime() - start) * 5000 / 1_000_000_000L;
        while (sent < Math.min(due, total)) {
          for (ChangeRecord record : workload.next("shop", 1)) {
            if (sent >= warmup) {
              sentAt.putIfAbsent(record.getLsn(), System.nanoTime());
            }
            producer.send(new ProducerRecord<>(topic, 0, key, CODEC.encode(record)));
            lastLsn = record.getLsn();
            sent++;
          }
        }
        for (ConsumerRecord<byte[], byte[]> r : manifests.poll(Duration.ofMillis(5))) {
          long now = System.nanoTime();
          SegmentManifest m = codec.decode(r.value());
          for (var e : sentAt.entrySet()) {
            if (e.getKey() >= m.getFirstLsn() && e.getKey() <= m.getLastLsn()) {
              latencies.add(now - e.getValue());
            }
          }
          sentAt.keySet().removeIf(lsn -> lsn <= m.getLastLsn());
        }
        if (sent >= total
            && System.nanoTime() - start
                > (LATENCY_WARMUP_SECONDS + seconds + 30) * 1_000_000_000L) {
          break;
        }
      }
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      if (sorted.isEmpty()) {
        throw new IllegalStateException("no manifest was observed on bench-latency.manifests");
      }
      double p50 = sorted.get(sorted.size() / 2) / 1e6;
      double p99 = sorted.get((int) (sorted.size() * 0.99)) / 1e6;
      System.out.printf(
          "latency at 5000 records/s for %d s after %d s of warm-up (%d transactions measured,"
              + " last lsn %d):%n",
          seconds, LATENCY_WARMUP_SECONDS, sorted.size(), lastLsn);
      System.out.printf("| produce → manifest published p50 | %.0f ms | |%n", p50);
      System.out.printf(
          "| produce → manifest published p99 | %.0f ms | goal ≤ 1500 ms (1.5 × commit interval) |%n",
          p99);
    }
  }
}
