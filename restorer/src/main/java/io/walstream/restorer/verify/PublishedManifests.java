package io.walstream.restorer.verify;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.verify.Anchor;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.service.kafka.KafkaTimeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The newest manifest of every stream as the archiver published it to the manifests topic: the
 * {@link Anchor}s that {@code verify} checks the archive against. Reads every partition from its
 * start to its end with a plain consumer (read_committed, no group, nothing committed).
 */
public final class PublishedManifests {
  private static final SingleObjectCodec<SegmentManifest> CODEC =
      SingleObjectCodec.of(SegmentManifest.class);

  private PublishedManifests() {}

  /**
   * Reads {@code topic} to its end.
   *
   * @param clientConfig Kafka client settings, at least {@code bootstrap.servers}
   * @throws WalstreamException when the topic does not exist, cannot be read to its end within
   *     {@code timeout}, or holds a record that is not a manifest (named by partition and offset)
   */
  public static Collection<Anchor> read(
      Map<String, Object> clientConfig, String topic, Duration timeout) {
    try {
      return readTopic(clientConfig, topic, timeout);
    } catch (org.apache.kafka.common.KafkaException e) {
      // An unreachable broker or a refused request: one line naming where, not a stack trace.
      throw KafkaTimeouts.failed(
          clientConfig,
          timeout,
          "read manifests topic " + topic,
          e,
          java.util.List.of(grant(topic)));
    }
  }

  private static Collection<Anchor> readTopic(
      Map<String, Object> clientConfig, String topic, Duration timeout) {
    Map<String, Object> config = KafkaTimeouts.consumer(clientConfig, timeout);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    // Reading must not create the topic it checks for.
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = partitions(consumer, topic, timeout);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      Map<StreamId, Anchor> newest = new HashMap<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new WalstreamException(
              "Cannot read manifests topic "
                  + topic
                  + ": not read to its end within "
                  + timeout.toSeconds()
                  + " s");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Anchor anchor = anchor(topic, record);
          newest.merge(anchor.stream(), anchor, (a, b) -> a.seq() >= b.seq() ? a : b);
        }
      }
      return List.copyOf(newest.values());
    }
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new WalstreamException("Cannot read manifests topic " + topic + ": it does not exist");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    return partitions;
  }

  /**
   * The anchor a record of the manifests topic publishes.
   *
   * @throws WalstreamException naming partition and offset when it is not a manifest
   */
  public static Anchor anchor(String topic, ConsumerRecord<byte[], byte[]> record) {
    try {
      SegmentManifest m = CODEC.decode(record.value());
      return new Anchor(
          new StreamId(m.getDatabase(), m.getTopic(), m.getPartition()),
          m.getSeq(),
          m.getManifestSha256());
    } catch (WalstreamException | IllegalArgumentException e) {
      // Not decodable or a bad name (WalstreamException), or a bad seq or manifest hash.
      throw new WalstreamException(
          String.format(
              "Cannot read manifests topic %s: the record at partition %d offset %d is not a"
                  + " manifest: %s",
              topic, record.partition(), record.offset(), e.getMessage()),
          e);
    }
  }

  /** The ACL reading the manifests topic needs: {@code verify} and {@code restore} with Kafka. */
  public static io.walstream.service.kafka.KafkaGrant grant(String topic) {
    return io.walstream.service.kafka.KafkaGrant.topic(
        topic,
        org.apache.kafka.common.acl.AclOperation.READ,
        org.apache.kafka.common.acl.AclOperation.DESCRIBE);
  }
}
