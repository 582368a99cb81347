package io.walstream.archiver.app;

import io.walstream.archiver.partition.SourceReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Reads source partitions by offset with a plain consumer (assign + seek, read_committed, no
 * group), for gap reconciliation. A read that makes no progress for {@code stallTimeout} fails
 * rather than hanging the task.
 */
public final class KafkaSourceReader implements SourceReader {
  private final Map<String, Object> config;
  private final Duration stallTimeout;

  public KafkaSourceReader(Map<String, Object> streamsProperties, Duration stallTimeout) {
    this.config = consumerConfig(streamsProperties);
    this.stallTimeout = stallTimeout;
  }

  private static Map<String, Object> consumerConfig(Map<String, Object> streams) {
    Map<String, Object> config = new HashMap<>();
    streams.forEach(
        (key, value) -> {
          if (ConsumerConfig.configNames().contains(key)) {
            config.put(key, value);
          }
        });
    String prefix = StreamsConfig.CONSUMER_PREFIX;
    streams.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            config.put(key.substring(prefix.length()), value);
          }
        });
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "walstream-gap-reader");
    return config;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public long beginningOffset(TopicPartition partition) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      return consumer.beginningOffsets(List.of(partition), stallTimeout).get(partition);
    }
  }

  @Override
  public void read(
      TopicPartition partition,
      long from,
      long toExclusive,
      Consumer<ConsumerRecord<byte[], byte[]>> action) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.assign(List.of(partition));
      consumer.seek(partition, from);
      long lastProgress = System.nanoTime();
      while (consumer.position(partition, stallTimeout) < toExclusive) {
        long before = consumer.position(partition);
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < toExclusive) {
            action.accept(record);
          }
        }
        if (consumer.position(partition) > before) {
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
          throw new IllegalStateException(
              "Cannot read "
                  + partition
                  + " offsets "
                  + from
                  + " to "
                  + (toExclusive - 1)
                  + ": no progress at offset "
                  + before
                  + " for "
                  + stallTimeout);
        }
      }
    }
  }
}
