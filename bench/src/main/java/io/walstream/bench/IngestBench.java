package io.walstream.bench;

import io.walstream.ingest.app.IngestApp;
import io.walstream.ingest.config.IngestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code Bench ingest [transactions=100000] [jar=cli/target/walstream.jar] [latencySeconds=20]}:
 * the ingest's throughput on Debezium JSON events (BEGIN, three row changes, END per transaction)
 * against a Kafka Streams app that only counts the same topics under the same guarantees
 * (exactly_once_v2, the same commit interval), both in this warm JVM, twice each, the faster pass
 * counting; then the latency from a simulated source commit to the manifest naming it, through the
 * ingest and {@code walstream archive} (its own JVM), at 2 000 transactions/s ({@code
 * latencySeconds=0} skips it).
 */
final class IngestBench implements Bench.Scenario {
  static final int CHANGES_PER_TRANSACTION = 3;
  private static final int COMMIT_MS = 200;

  @Override
  public String description() {
    return "walstream ingest: Debezium JSON against a counting Streams app; commit → manifest"
        + " latency at 2 000 transactions/s";
  }

  @Override
  public void run(String[] args) throws Exception {
    int transactions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path jar = Path.of(args.length > 1 ? args[1] : "cli/target/walstream.jar");
    int latencySeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    try (WorkDir workDir = new WorkDir("walstream-bench-ingest");
        EmbeddedKafka kafka = new EmbeddedKafka()) {
      Path work = workDir.path();
      DebeziumEvents events = new DebeziumEvents("bench");
      for (String topic : List.of(events.accounts(), events.ledger(), events.transactions())) {
        kafka.createTopic(topic, 1);
      }
      long[] loaded = preload(kafka.bootstrapServers(), events, transactions);
      int inputs = (int) loaded[0];
      System.out.printf(
          "input: %d transactions, %d records (%d changes, BEGIN and END each), %.1f MB (%d B/record)%n",
          transactions,
          inputs,
          transactions * CHANGES_PER_TRANSACTION,
          loaded[1] / 1e6,
          loaded[1] / inputs);
      throughput(kafka.bootstrapServers(), work, inputs, transactions);
      double[] json = JsonParseLimit.measure(inputs);
      System.out.printf(
          "JSON alone, one core, no Kafka: %.0f records/s tokenized (Jackson streaming), %.0f"
              + " records/s read into trees%n",
          json[0], json[1]);
      if (latencySeconds > 0) {
        IngestLatency.measure(kafka, jar, work, latencySeconds);
      }
    }
  }

  /**
   * Drains the topics with the counting app and with the ingest in each shape, twice each, passes
   * interleaved; prints the ratios.
   */
  private static void throughput(String bootstrap, Path work, int inputs, int transactions)
      throws Exception {
    Pattern topics = Pattern.compile("bench\\.(public\\..*|transaction)");
    double limit = Double.MAX_VALUE;
    double one = Double.MAX_VALUE;
    double two = Double.MAX_VALUE;
    for (int pass = 0; pass < 2; pass++) {
      limit =
          Math.min(
              limit,
              StreamsNoOpLimit.drain(
                  bootstrap, topics, inputs, work.resolve("noop" + pass), COMMIT_MS));
      one = Math.min(one, ingest(bootstrap, work, pass, transactions, IngestConfig.Stages.ONE));
      two = Math.min(two, ingest(bootstrap, work, pass, transactions, IngestConfig.Stages.TWO));
    }
    System.out.printf(
        "Kafka Streams, counting only (exactly_once_v2, commit %d ms): %.0f records/s%n",
        COMMIT_MS, inputs / limit);
    System.out.printf(
        "walstream ingest, one stage (the default here): %.0f input records/s, %.0f"
            + " transactions/s%n",
        inputs / one, transactions / one);
    System.out.printf(
        "walstream ingest, two stages: %.0f input records/s, %.0f transactions/s%n",
        inputs / two, transactions / two);
    System.out.printf(
        "| throughput ratio ingest (one stage) ÷ counting Kafka Streams app | %.2f | goal ≥ 0.5 |%n",
        limit / one);
    System.out.printf(
        "| throughput ratio ingest (two stages) ÷ counting Kafka Streams app | %.2f | |%n",
        limit / two);
  }

  /** Produces the workload; {records, bytes}. */
  private static long[] preload(String bootstrap, DebeziumEvents events, int transactions) {
    long records = 0;
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      long micros = 1_796_000_000_000_000L;
      for (int t = 0; t < transactions; t++) {
        for (ProducerRecord<byte[], byte[]> r :
            events.transaction(CHANGES_PER_TRANSACTION, micros + t * 500L)) {
          producer.send(r);
          records++;
          bytes += r.value().length + (r.key() == null ? 0 : r.key().length);
        }
      }
      producer.flush();
    }
    return new long[] {records, bytes};
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "acks",
            "all",
            "linger.ms",
            5,
            "batch.size",
            262_144,
            "compression.type",
            "lz4"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** Seconds from the ingest's first event in to its last record out. */
  private static double ingest(
      String bootstrap, Path work, int pass, int transactions, IngestConfig.Stages stages)
      throws Exception {
    String name = "ingest-" + stages.label() + "-" + pass;
    Path state = Files.createDirectories(work.resolve(name));
    long expected = (long) transactions * CHANGES_PER_TRANSACTION;
    Map<String, Object> settings = settings(bootstrap, "bench", "bench-" + name, state);
    settings.put(IngestConfig.OUTPUT_TOPIC, "bench.changes." + name);
    settings.put(IngestConfig.STAGES, stages.label());
    try (IngestApp app = IngestApp.start(IngestConfig.parse(settings))) {
      long first = 0;
      while (true) {
        long now = System.nanoTime();
        if (first == 0 && app.metrics().count("walstream.ingest.events.in", "kind", "change") > 0) {
          first = now;
        }
        if (app.metrics().count("walstream.ingest.records.out") >= expected) {
          return (now - first) / 1e9;
        }
        if (app.failure() != null) {
          throw new IllegalStateException("ingest failed", app.failure());
        }
        Thread.sleep(10);
      }
    }
  }

  static Map<String, Object> settings(String bootstrap, String prefix, String app, Path state) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("bootstrap.servers", bootstrap);
    settings.put(IngestConfig.TOPICS_REGEX, prefix + "\\.public\\..*");
    settings.put(IngestConfig.TRANSACTION_TOPIC, prefix + ".transaction");
    settings.put(IngestConfig.DATABASE, "shop");
    settings.put(IngestConfig.DLQ_TOPIC, app + ".dlq");
    settings.put(IngestConfig.OUTPUT_TOPIC, app + ".changes");
    settings.put("application.id", app);
    settings.put("state.dir", state.toString());
    settings.put("metrics.port", -1);
    return settings;
  }
}
