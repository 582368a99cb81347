package io.walstream.restorer.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The command topic's consumer side: the group consumer, and which instance owns a job. A job
 * belongs to the partition its command id hashes to (Kafka's default partitioner on the key), so
 * after a rebalance exactly one instance re-runs each unfinished job.
 */
final class CommandIntake {
  private final RestoreServiceConfig config;
  private final KafkaConsumer<String, byte[]> consumer;
  private final JobTable table;
  private final Runnable beforeReload;
  private final Consumer<Set<Integer>> assigned;
  private final Consumer<Set<Integer>> revoked;
  private volatile int partitions = 1;

  CommandIntake(
      RestoreServiceConfig config,
      KafkaConsumer<String, byte[]> consumer,
      JobTable table,
      Runnable beforeReload,
      Consumer<Set<Integer>> assigned,
      Consumer<Set<Integer>> revoked) {
    this.config = config;
    this.consumer = consumer;
    this.table = table;
    this.beforeReload = beforeReload;
    this.assigned = assigned;
    this.revoked = revoked;
  }

  /** The group consumer of the command topic: manual commits, read_committed, from the start. */
  static KafkaConsumer<String, byte[]> consumer(RestoreServiceConfig config) {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  void subscribe() {
    partitions = consumer.partitionsFor(config.commandsTopic(), Duration.ofSeconds(30)).size();
    consumer.subscribe(List.of(config.commandsTopic()), new Listener());
  }

  /** The command partition a command id belongs to. */
  int partitionOf(String commandId) {
    byte[] key = commandId.getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  private static Set<Integer> numbers(Collection<TopicPartition> parts) {
    return parts.stream().map(TopicPartition::partition).collect(Collectors.toSet());
  }

  /** Rebuilds the job table before serving newly assigned partitions. */
  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> parts) {
      if (parts.isEmpty()) {
        return;
      }
      partitions = consumer.partitionsFor(config.commandsTopic()).size();
      beforeReload.run();
      table.reload(
          config.clientProperties(), config.statusTopic(), JobTable.SERVICE_RELOAD_TIMEOUT);
      assigned.accept(numbers(parts));
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> parts) {
      revoked.accept(numbers(parts));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> parts) {
      revoked.accept(numbers(parts));
    }
  }
}
