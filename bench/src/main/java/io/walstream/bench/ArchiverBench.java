package io.walstream.bench;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The archiver against the raw consumer on the same topic in the same run: throughput ratio,
 * produce-to-manifest latency at a steady rate, heap after GC under -Xmx256m, and write
 * amplification (bytes the archiver writes to Kafka ÷ input bytes).
 */
final class ArchiverBench implements Bench.Scenario {
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);

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
      CountingApp.Measured counting =
          CountingApp.inOwnJvm(kafka.bootstrapServers(), topic, records);
      double unavoidable = UnavoidableWork.cpuSecondsPerRecord(records, compressionLevel());
      // The peer before and after the archiver, the better run counting.
      FlinkPeerRun.Measured flink = flink(kafka, topic, records, work, 0);
      ArchiverThroughput.Result archiver =
          ArchiverThroughput.measure(
              kafka,
              jar,
              work,
              topic,
              new ArchiverThroughput.Baseline(
                  records, inputBytes, raw, streamsSeconds, counting, unavoidable));
      FlinkPeerRun.Measured again = flink(kafka, topic, records, work, 1);
      reportAgainstFlink(
          archiver, again.steadyRate() > flink.steadyRate() ? again : flink, inputBytes, records);
      if (latencySeconds > 0) {
        ArchiverLatency.measure(kafka, jar, work, latencySeconds);
      }
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
  static long preload(String bootstrap, String topic, int partitions, int records) {
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

  /** How long draining the topic took, and the CPU the draining thread used meanwhile. */
  record Drain(double seconds, double cpuSeconds) {}

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

  private static FlinkPeerRun.Measured flink(
      EmbeddedKafka kafka, String topic, int records, Path work, int round) throws Exception {
    if (Boolean.getBoolean("bench.noflink")) {
      return new FlinkPeerRun.Measured(Double.NaN, Double.NaN, 0, List.of(), Map.of());
    }
    return FlinkPeerRun.run(
        kafka.bootstrapServers(),
        topic,
        records,
        work.resolve("flink-" + round),
        compressionLevel());
  }

  private static void reportAgainstFlink(
      ArchiverThroughput.Result archiver, FlinkPeerRun.Measured flink, long inputBytes, int records)
      throws java.io.IOException {
    ArchiverThroughput.Run run = archiver.run();
    System.out.printf(
        "Apache Flink peer (local mini-cluster, -Xmx%s, Kafka source → Avro files, zstd, exactly"
            + " once, checkpoint every 1 s), steady state: %.0f records/s, %.2f µs of CPU a record"
            + " (its process), %.1f MB stored (%.1f%% of the input)%n",
        FlinkPeerRun.HEAP,
        flink.steadyRate(),
        flink.steadyCpuPerRecord() * 1e6,
        flink.bytes() / 1e6,
        100.0 * flink.bytes() / inputBytes);
    System.out.printf(
        "walstream archiver (-Xmx256m), steady state: %.0f records/s, %.2f µs of CPU a record"
            + " (its process), %.1f MB stored (%.1f%% of the input)%n",
        run.steadyRate(),
        run.steadyCpuPerRecord() * 1e6,
        archiver.storedBytes() / 1e6,
        100.0 * archiver.storedBytes() / inputBytes);
    System.out.printf(
        "| records/s walstream ÷ Flink, steady state | %.2f | goal ≥ 1.5 |%n",
        run.steadyRate() / flink.steadyRate());
    System.out.printf(
        "| CPU a record walstream ÷ Flink, steady state | %.2f | goal ≤ 0.67 |%n",
        run.steadyCpuPerRecord() / flink.steadyCpuPerRecord());
    if (!flink.tenths().isEmpty()) {
      charts(run, flink, records);
    }
  }

  /** The per-thread split, printed and charted, and the intake by tenth, charted. */
  private static void charts(ArchiverThroughput.Run run, FlinkPeerRun.Measured flink, int records)
      throws java.io.IOException {
    double steady = records - records / 3;
    List<Double> ours = perRecord(run.steadyThreadCpu(), steady);
    List<Double> theirs = perRecord(flink.steadyThreadCpu(), steady);
    System.out.println("steady-state CPU a record by thread, µs (walstream | Flink):");
    for (int i = 0; i < ThreadCpu.GROUPS.size(); i++) {
      System.out.printf(
          "  %-20s %6.2f | %6.2f%n", ThreadCpu.GROUPS.get(i), ours.get(i), theirs.get(i));
    }
    LineChart.write(
        Path.of("docs", "archiver-intake.png"),
        "Draining " + records + " records: records/s in each tenth of the input",
        "% of the input taken in",
        "records/s",
        List.of(
            new LineChart.Series("walstream archiver", WALSTREAM, byTenth(run.tenths())),
            new LineChart.Series("Apache Flink (file sink)", FLINK, byTenth(flink.tenths()))));
    LineChart.bars(
        Path.of("docs", "archiver-cpu-by-thread.png"),
        "Steady-state CPU a record, by thread",
        "µs of CPU a record",
        ThreadCpu.GROUPS,
        List.of(
            new LineChart.Bars("walstream archiver", WALSTREAM, ours),
            new LineChart.Bars("Apache Flink (file sink)", FLINK, theirs)));
    System.out.println("charts: docs/archiver-intake.png docs/archiver-cpu-by-thread.png");
  }

  private static final java.awt.Color WALSTREAM = new java.awt.Color(30, 110, 200);
  private static final java.awt.Color FLINK = new java.awt.Color(220, 100, 40);

  private static List<Double> perRecord(Map<String, Double> seconds, double records) {
    return ThreadCpu.GROUPS.stream()
        .map(g -> seconds.getOrDefault(g, 0.0) / records * 1e6)
        .toList();
  }

  /** (percent of the input, records/s within that tenth) from (seconds, records in) samples. */
  private static List<double[]> byTenth(List<double[]> tenths) {
    List<double[]> points = new ArrayList<>();
    double[] previous = {0, 0};
    for (double[] t : tenths) {
      points.add(
          new double[] {10.0 * (points.size() + 1), (t[1] - previous[1]) / (t[0] - previous[0])});
      previous = t;
    }
    return points;
  }

  /** The archiver's zstd level in this run: its default, or what -Dbench.archiver.set sets. */
  private static int compressionLevel() {
    for (String extra : System.getProperty("bench.archiver.set", "").split(",")) {
      String[] kv = extra.trim().split("=", 2);
      if (kv.length == 2 && kv[0].equals("segment.compression.level")) {
        return Integer.parseInt(kv[1]);
      }
    }
    return io.walstream.archive.format.SegmentFormat.ZSTD_LEVEL;
  }

  static List<String> archiverArgs(
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

  static long topicBytes(String bootstrap, String topic) {
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
}
