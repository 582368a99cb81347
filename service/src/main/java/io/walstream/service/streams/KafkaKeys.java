package io.walstream.service.streams;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The keys Kafka Streams and its clients understand, so that a misspelt key fails at startup
 * instead of being ignored: a Streams, consumer, producer or admin key, alone or behind one of the
 * prefixes Streams routes to a single client, or a {@code topic.} key for the internal topics. A
 * key Kafka does not know but a plugin reads (an interceptor's, a serializer's) is passed through
 * as {@code custom.<key>}.
 */
public final class KafkaKeys {
  /** Passes the rest of the key through to Kafka Streams as it is. */
  public static final String CUSTOM_PREFIX = "custom.";

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
  public static boolean known(String key) {
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

  /**
   * The Kafka Streams properties among {@code properties}: every key {@code definition} does not
   * declare, with {@code custom.} stripped, plus exactly-once processing ({@code exactly_once_v2},
   * refusing any other guarantee), {@code read_committed} input and {@code earliest} reset. {@code
   * service} names the caller in errors; a key neither walstream's nor Kafka's is one.
   */
  public static Map<String, Object> exactlyOnceStreams(
      Map<String, ?> properties, ConfigDef definition, String service) {
    Map<String, Object> streams = new HashMap<>();
    properties.forEach(
        (key, value) -> {
          if (definition.names().contains(key)) {
            return;
          }
          if (key.startsWith(CUSTOM_PREFIX)) {
            streams.put(key.substring(CUSTOM_PREFIX.length()), value);
          } else if (known(key)) {
            streams.put(key, value);
          } else {
            // A misspelt key would otherwise be passed to Kafka, which ignores it with a warning.
            throw new WalstreamException(
                ErrorKind.INVALID_CONFIG,
                "Cannot configure "
                    + service
                    + ": unknown key '"
                    + key
                    + "': neither walstream's nor a Kafka Streams or client key; pass a key only a"
                    + " plugin reads as "
                    + CUSTOM_PREFIX
                    + key);
          }
        });
    Object guarantee = streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
    if (guarantee != null && !StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee)) {
      throw new WalstreamException(
          ErrorKind.INVALID_CONFIG,
          "Cannot configure "
              + service
              + ": processing.guarantee must be exactly_once_v2, not "
              + guarantee);
    }
    streams.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    streams.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
    streams.putIfAbsent(
        StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    if (!streams.containsKey(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new WalstreamException(
          ErrorKind.INVALID_CONFIG,
          "Cannot configure " + service + ": bootstrap.servers is required");
    }
    return streams;
  }
}
