package io.walstream.restorer.service;

import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.serde.WalstreamSerdes;
import io.walstream.service.kafka.KafkaTimeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest status of every job, keyed by command id: what the compacted status topic holds, read
 * back in full on start, then kept current by every status this instance publishes.
 */
public final class JobTable {
  private static final Logger LOG = LoggerFactory.getLogger(JobTable.class);

  private final Map<String, RestoreStatus> latest = new ConcurrentHashMap<>();

  /** Whether {@code state} is final: REJECTED, SUCCEEDED, FAILED or CANCELLED. */
  public static boolean terminal(JobState state) {
    return state == JobState.REJECTED
        || state == JobState.SUCCEEDED
        || state == JobState.FAILED
        || state == JobState.CANCELLED;
  }

  /** Keeps {@code status} unless the table holds a later one of the same job. */
  void record(RestoreStatus status) {
    latest.merge(
        status.getCommandId(),
        status,
        (old, now) -> now.getUpdatedAt().isBefore(old.getUpdatedAt()) ? old : now);
  }

  /** The latest status of {@code commandId}, if the job is known. */
  public Optional<RestoreStatus> get(String commandId) {
    return Optional.ofNullable(latest.get(commandId));
  }

  /** Every job's latest status. */
  public List<RestoreStatus> all() {
    return new ArrayList<>(latest.values());
  }

  /** How long the service's reload of the whole status topic may take (on every rebalance). */
  static final Duration SERVICE_RELOAD_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Reads the whole status topic from the beginning to its current end into the table. Records that
   * do not decode are skipped and logged with their offsets; a tombstone forgets a job.
   *
   * @throws io.walstream.schemas.error.WalstreamException when the topic does not exist, or it
   *     could not be read to its end within {@code timeout} (naming the servers)
   */
  public void reload(Map<String, Object> clientProperties, String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String doing = "read status topic " + topic;
    try (KafkaConsumer<String, byte[]> consumer =
        statusConsumer(KafkaTimeouts.consumer(clientProperties, timeout))) {
      List<TopicPartition> partitions = partitions(consumer, topic, timeout, clientProperties);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw KafkaTimeouts.failed(
              clientProperties,
              timeout,
              doing + " to its end",
              new java.util.concurrent.TimeoutException("not at the end offsets " + end));
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(r);
        }
      }
    } catch (org.apache.kafka.common.KafkaException e) {
      throw KafkaTimeouts.failed(
          clientProperties, timeout, doing, e, List.of(RestoreClient.statusGrant(topic)));
    }
  }

  /** The partitions of {@code topic}; an error naming it and the servers when it does not exist. */
  static List<TopicPartition> partitions(
      KafkaConsumer<?, ?> consumer,
      String topic,
      Duration timeout,
      Map<String, Object> clientProperties) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic, timeout)) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    if (partitions.isEmpty()) {
      throw new io.walstream.schemas.error.WalstreamException(
          "Cannot read status topic "
              + topic
              + ": it does not exist at "
              + clientProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)
              + " (is the restore service running with this --status-topic?)");
    }
    return partitions;
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      if (r.key() != null) {
        latest.remove(r.key());
      }
      return;
    }
    RestoreStatus status = decode(r);
    if (status != null) {
      record(status);
    }
  }

  /** The status in {@code r}; null for a tombstone or, logged with its offset, bad bytes. */
  static RestoreStatus decode(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return null;
    }
    try {
      return WalstreamSerdes.restoreStatus().codec().decode(r.value());
    } catch (DecodeException e) {
      LOG.warn(
          "Skipping undecodable status at {}-{}@{}: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
      return null;
    }
  }

  /** A consumer for reading the status topic by assignment: no group, committed records only. */
  static KafkaConsumer<String, byte[]> statusConsumer(Map<String, Object> clientProperties) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
