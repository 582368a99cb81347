package io.walstream.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The limit of Kafka Streams itself on this machine: a topology that only counts, under the
 * archiver's guarantees (exactly_once_v2, read_committed, commits every second), draining the same
 * topic in the harness's warm JVM. What the archiver adds is everything above this.
 */
final class StreamsNoOpLimit {
  private StreamsNoOpLimit() {}

  /** Seconds from the first record counted to the last. */
  static double drain(String bootstrap, String topic, int records, Path stateDir)
      throws InterruptedException {
    return drain(
        bootstrap,
        java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(topic)),
        records,
        stateDir,
        1000);
  }

  /**
   * Seconds from the first record counted to the last, over every topic {@code topics} matches,
   * committing every {@code commitMs}.
   */
  static double drain(
      String bootstrap, java.util.regex.Pattern topics, int records, Path stateDir, int commitMs)
      throws InterruptedException {
    AtomicLong count = new AtomicLong();
    AtomicLong first = new AtomicLong();
    AtomicLong last = new AtomicLong();
    Topology topology = topology(topics, count, first, last);
    Properties properties = properties(bootstrap, stateDir, commitMs);
    try (KafkaStreams streams = new KafkaStreams(topology, properties)) {
      streams.start();
      while (count.get() < records) {
        Thread.sleep(20);
      }
      streams.close(Duration.ofSeconds(30));
    }
    return (last.get() - first.get()) / 1e9;
  }

  /** The counting topology: {@code first} and {@code last} get the nano times of those records. */
  static Topology topology(
      java.util.regex.Pattern topics, AtomicLong count, AtomicLong first, AtomicLong last) {
    Topology topology = new Topology();
    topology.addSource("in", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics);
    topology.addProcessor(
        "count",
        () ->
            new Processor<byte[], byte[], Void, Void>() {
              @Override
              public void process(Record<byte[], byte[]> record) {
                long now = System.nanoTime();
                if (count.getAndIncrement() == 0) {
                  first.set(now);
                }
                last.set(now);
              }
            },
        "in");
    return topology;
  }

  /**
   * The archiver's guarantees: exactly_once_v2 (read_committed), commits every {@code commitMs}.
   */
  static Properties properties(String bootstrap, Path stateDir, int commitMs) {
    Properties properties = new Properties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-noop-" + System.nanoTime());
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
    properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    properties.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return properties;
  }
}
