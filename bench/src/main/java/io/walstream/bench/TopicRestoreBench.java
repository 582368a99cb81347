package io.walstream.bench;

import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.apply.Progress;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.KafkaTopicSink;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The second part of {@code Bench follow}: {@code restore --topic} of an archive against a plain
 * idempotent producer serializing and sending the same records, alternating rounds, best of each.
 */
final class TopicRestoreBench {
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);
  private static final byte[] KEY = "shop".getBytes(StandardCharsets.UTF_8);

  private TopicRestoreBench() {}

  /** A topic restore against a plain idempotent producer of the same records, alternating. */
  static void run(EmbeddedKafka kafka, Path work, int records) throws Exception {
    Path archive = work.resolve("topic-archive");
    RestoreBench.writeArchive(archive, records);
    String bootstrap = kafka.bootstrapServers();
    double plainBest = 0;
    double restoreBest = 0;
    for (int round = 1; round <= 2; round++) {
      String plainTopic = "bench.plain." + round;
      String restoreTopic = "bench.restored." + round;
      kafka.createTopic(plainTopic, 1);
      kafka.createTopic(restoreTopic, 1);
      double plain = records / plainProducer(bootstrap, plainTopic, records);
      double restore = records / restoreIntoTopic(bootstrap, archive, restoreTopic);
      System.out.printf(
          "topic round %d: plain idempotent producer %.0f records/s, restore --topic %.0f"
              + " records/s (%.2f ×)%n",
          round, plain, restore, restore / plain);
      plainBest = Math.max(plainBest, plain);
      restoreBest = Math.max(restoreBest, restore);
    }
    System.out.println("| records | plain idempotent producer | restore --topic | ratio | goal |");
    System.out.println("|---|---|---|---|---|");
    System.out.printf(
        "| %d | %.0f records/s | %.0f records/s | %.2f | ≥ 0.7 |%n",
        records, plainBest, restoreBest, restoreBest / plainBest);
  }

  /**
   * Seconds a plain idempotent producer takes to serialize and send the same records, with the
   * topic sink's producer settings: the records are generated in chunks outside the timed part (as
   * a producer's records come from its application), each chunk then encoded and sent on the clock.
   */
  private static double plainProducer(String bootstrap, String topic, int records) {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrap);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    long timed = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      Workload workload = new Workload(5);
      for (int done = 0; done < records; done += 10_000) {
        List<ChangeRecord> chunk = workload.next("shop", Math.min(10_000, records - done));
        long start = System.nanoTime();
        for (ChangeRecord r : chunk) {
          producer.send(new ProducerRecord<>(topic, 0, KEY, CODEC.encode(r)));
        }
        timed += System.nanoTime() - start;
      }
      long start = System.nanoTime();
      producer.flush();
      timed += System.nanoTime() - start;
    }
    return timed / 1e9;
  }

  private static double restoreIntoTopic(String bootstrap, Path archive, String topic) {
    long start = System.nanoTime();
    new Restorer(new FileSystemObjectStore(archive))
        .using(Restorer.SnapshotUse.IGNORE)
        .restore(
            "shop",
            new RestoreTarget.Latest(),
            GapPolicy.REFUSE,
            KafkaTopicSink.open(
                Map.of("bootstrap.servers", bootstrap), Duration.ofSeconds(60), topic, "shop"),
            Progress.NONE);
    return (System.nanoTime() - start) / 1e9;
  }
}
