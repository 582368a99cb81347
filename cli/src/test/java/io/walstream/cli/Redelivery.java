package io.walstream.cli;

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
 * What Kafka Connect's at-least-once delivery does after a crash, made certain: the first records
 * of a topic sent again, byte for byte with their headers. Also counts a topic's records.
 */
final class Redelivery {
  private Redelivery() {}

  /** Sends the last {@code count} records of partition 0 of {@code topic} again. */
  static void resend(String bootstrap, String topic, int count) {
    resend(bootstrap, topic, count, false);
  }

  /** Sends the first {@code count} records of partition 0 of {@code topic} again. */
  static void resendFirst(String bootstrap, String topic, int count) {
    resend(bootstrap, topic, count, true);
  }

  private static void resend(String bootstrap, String topic, int count, boolean first) {
    long end;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      TopicPartition p = new TopicPartition(topic, 0);
      end = consumer.endOffsets(List.of(p), Duration.ofSeconds(30)).get(p);
    }
    if (end < count) {
      throw new AssertionError(topic + " has only " + end + " records, " + count + " wanted");
    }
    List<ConsumerRecord<byte[], byte[]>> all = read(bootstrap, topic, (int) end);
    List<ConsumerRecord<byte[], byte[]>> records =
        first ? all.subList(0, count) : all.subList(all.size() - count, all.size());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (ConsumerRecord<byte[], byte[]> r : records) {
        producer.send(new ProducerRecord<>(topic, 0, null, r.key(), r.value(), r.headers()));
      }
      producer.flush();
    }
  }

  /** Records in partition 0 of {@code topic}; 0 when it does not exist. */
  static long count(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      if (!consumer.listTopics(Duration.ofSeconds(10)).containsKey(topic)) {
        return 0;
      }
      TopicPartition p = new TopicPartition(topic, 0);
      return consumer.endOffsets(List.of(p)).get(p) - consumer.beginningOffsets(List.of(p)).get(p);
    }
  }

  /** The first {@code count} records of partition 0 of {@code topic} as text, for diagnosis. */
  static String sample(String bootstrap, String topic, int count) {
    StringBuilder sb = new StringBuilder();
    for (ConsumerRecord<byte[], byte[]> r : read(bootstrap, topic, count)) {
      sb.append(topic).append(" @").append(r.offset()).append(" headers=");
      r.headers()
          .forEach(
              h ->
                  sb.append(h.key())
                      .append('=')
                      .append(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8))
                      .append(' '));
      sb.append("\n key=")
          .append(
              r.key() == null
                  ? "null"
                  : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
      sb.append("\n value=")
          .append(
              r.value() == null
                  ? "null"
                  : new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
          .append("\n");
    }
    return sb.toString();
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(
      String bootstrap, String topic, int count) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      TopicPartition p = new TopicPartition(topic, 0);
      consumer.assign(List.of(p));
      consumer.seekToBeginning(List.of(p));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (records.size() < count) {
            records.add(r);
          }
        }
      }
    }
    if (records.size() < count) {
      throw new AssertionError(
          "Only " + records.size() + " of " + count + " records to send again in " + topic);
    }
    return records;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    return new KafkaConsumer<>(
        Map.of(
            "bootstrap.servers", bootstrap,
            "isolation.level", "read_committed",
            "enable.auto.commit", "false"),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }
}
