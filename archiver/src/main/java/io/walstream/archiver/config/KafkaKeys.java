package io.walstream.archiver.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The keys Kafka Streams and its clients understand, so that a misspelt key fails at startup
 * instead of being ignored: a Streams, consumer, producer or admin key, alone or behind one of the
 * prefixes Streams routes to a single client, or a {@code topic.} key for the internal topics. A
 * key Kafka does not know but a plugin reads (an interceptor's, a serializer's) is passed through
 * as {@code custom.<key>}.
 */
final class KafkaKeys {
  /** Passes the rest of the key through to Kafka Streams as it is. */
  static final String CUSTOM_PREFIX = "custom.";

  private static final Set<String> CLIENT_KEYS = clientKeys();

  private static final List<String> CLIENT_PREFIXES =
      List.of(
          StreamsConfig.MAIN_CONSUMER_PREFIX,
          StreamsConfig.RESTORE_CONSUMER_PREFIX,
          StreamsConfig.GLOBAL_CONSUMER_PREFIX,
          StreamsConfig.CONSUMER_PREFIX,
          StreamsConfig.PRODUCER_PREFIX,
          StreamsConfig.ADMIN_CLIENT_PREFIX);

  private KafkaKeys() {}

  private static Set<String> clientKeys() {
    Set<String> keys = new HashSet<>(StreamsConfig.configDef().names());
    keys.addAll(ConsumerConfig.configNames());
    keys.addAll(ProducerConfig.configNames());
    keys.addAll(AdminClientConfig.configNames());
    return Set.copyOf(keys);
  }

  /** Whether Kafka Streams or one of its clients reads {@code key}. */
  static boolean known(String key) {
    if (CLIENT_KEYS.contains(key) || key.startsWith(StreamsConfig.TOPIC_PREFIX)) {
      return true;
    }
    for (String prefix : CLIENT_PREFIXES) {
      if (key.startsWith(prefix)) {
        return CLIENT_KEYS.contains(key.substring(prefix.length()));
      }
    }
    return false;
  }
}
