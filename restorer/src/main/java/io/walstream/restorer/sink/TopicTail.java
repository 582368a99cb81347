package io.walstream.restorer.sink;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.service.kafka.KafkaTimeouts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The highest LSN of a database committed in one partition of a topic, read from the partition's
 * end backwards ({@code read_committed}: records of aborted transactions are not seen), window by
 * window until a record of the database is found. Records of a restore are in LSN order, so the
 * last one of the database is its highest.
 */
final class TopicTail {
  private static final int WINDOW = 2_000;

  private TopicTail() {}

  static OptionalLong lastLsn(
      Map<String, Object> clientConfig,
      Duration timeout,
      String topic,
      int partition,
      String database) {
    Map<String, Object> config = KafkaTimeouts.consumer(clientConfig, timeout);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, WINDOW);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    TopicPartition tp = new TopicPartition(topic, partition);
    byte[] key = database.getBytes(StandardCharsets.UTF_8);
    SingleObjectCodec<ChangeRecord> codec = SingleObjectCodec.of(ChangeRecord.class);
    // The sink's settings are a producer's: its own keys mean nothing to a consumer.
    config
        .keySet()
        .removeIf(
            k ->
                ProducerConfig.configNames().contains(k)
                    && !ConsumerConfig.configNames().contains(k));
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
      // With read_committed: the last stable offset, below any transaction still open.
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      for (long windowEnd = end;
          windowEnd > begin;
          windowEnd = Math.max(begin, windowEnd - WINDOW)) {
        long from = Math.max(begin, windowEnd - WINDOW);
        OptionalLong found = scan(consumer, tp, from, windowEnd, key, codec, timeout);
        if (found.isPresent()) {
          return found;
        }
      }
      return OptionalLong.empty();
    } catch (KafkaException e) {
      throw KafkaTimeouts.failed(
          clientConfig,
          timeout,
          "read what topic " + topic + " holds of " + database,
          e,
          KafkaTopicSink.grants(topic));
    }
  }

  /** The highest LSN of the database's records at offsets [from, to), if any. */
  private static OptionalLong scan(
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition tp,
      long from,
      long to,
      byte[] key,
      SingleObjectCodec<ChangeRecord> codec,
      Duration timeout) {
    consumer.seek(tp, from);
    OptionalLong best = OptionalLong.empty();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(tp) < to) {
      if (System.nanoTime() > deadline) {
        throw new WalstreamException(
            io.walstream.schemas.avro.ErrorKind.TRANSIENT,
            "Cannot read offsets " + from + " to " + to + " of " + tp + " within " + timeout);
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() >= to || !Arrays.equals(r.key(), key)) {
          continue;
        }
        try {
          long lsn = codec.decode(r.value()).getLsn();
          best = OptionalLong.of(best.isPresent() ? Math.max(best.getAsLong(), lsn) : lsn);
        } catch (DecodeException e) {
          throw new WalstreamException(
              io.walstream.schemas.avro.ErrorKind.PERMANENT,
              "Cannot tell where to go on: the record at offset "
                  + r.offset()
                  + " of "
                  + tp
                  + " is keyed by the database but is no ChangeRecord: "
                  + e.getMessage(),
              e);
        }
      }
    }
    return best;
  }
}
