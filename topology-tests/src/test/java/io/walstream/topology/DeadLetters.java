package io.walstream.topology;

import io.walstream.schemas.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a dead-letter topic back, committed records only. */
final class DeadLetters {
  private DeadLetters() {}

  /** One dead letter: where its record came from and why it was rejected. */
  record Letter(Ledger.Offset source, String reason) {}

  static List<Letter> read(String bootstrap, String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<Letter> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          letters.add(
              new Letter(
                  new Ledger.Offset(
                      header(r, io.walstream.archiver.topology.DeadLetters.SOURCE_TOPIC),
                      Integer.parseInt(
                          header(r, io.walstream.archiver.topology.DeadLetters.SOURCE_PARTITION)),
                      Long.parseLong(
                          header(r, io.walstream.archiver.topology.DeadLetters.SOURCE_OFFSET))),
                  header(r, io.walstream.archiver.topology.DeadLetters.REASON)));
        }
      }
    }
    return letters;
  }

  static List<Letter> read(String topic) {
    return read(KafkaBroker.bootstrapServers(), topic);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
