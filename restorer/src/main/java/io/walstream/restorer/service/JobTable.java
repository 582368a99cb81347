package io.walstream.restorer.service;

import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.serde.WalstreamSerdes;
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

  /**
   * Reads the whole status topic from the beginning to its current end into the table. Records that
   * do not decode are skipped and logged with their offsets; a tombstone forgets a job.
   */
  public void reload(Map<String, Object> clientProperties, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = statusConsumer(clientProperties)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(r);
        }
      }
    }
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
