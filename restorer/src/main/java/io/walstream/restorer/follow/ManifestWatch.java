package io.walstream.restorer.follow;

import io.walstream.archive.verify.Anchor;
import io.walstream.restorer.verify.PublishedManifests;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.service.kafka.KafkaTimeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the archiver's manifests topic for a follower: it keeps the newest published manifest of
 * each of the database's streams (the anchors every round checks the archive against: a rolled-back
 * archive stops the follower) and wakes the follower as soon as one is published, instead of
 * letting it wait out its poll interval. Reads with a plain consumer (read_committed, no group,
 * nothing committed), from each partition's start.
 */
public final class ManifestWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestWatch.class);

  private final String database;
  private final String topic;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<io.walstream.archive.layout.StreamId, Anchor> newest =
      new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile Runnable onManifest = () -> {};
  private volatile boolean closing;

  /**
   * Starts watching {@code topic} for manifests of {@code database}.
   *
   * @throws WalstreamException when the topic does not exist
   */
  public ManifestWatch(
      Map<String, Object> clientConfig, String topic, String database, Duration timeout) {
    this.database = database;
    this.topic = topic;
    Map<String, Object> config = KafkaTimeouts.consumer(clientConfig, timeout);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    this.consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      consumer.close();
      throw new WalstreamException("Cannot watch manifests topic " + topic + ": it does not exist");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::run, "walstream-follow-manifests");
    thread.setDaemon(true);
    thread.start();
  }

  /** Calls {@code action} whenever a manifest of the database is published. */
  public void onManifest(Runnable action) {
    this.onManifest = action;
  }

  /** The newest published manifest of each stream of the database, as read so far. */
  public Collection<Anchor> anchors() {
    return List.copyOf(newest.values());
  }

  private void run() {
    try {
      while (!closing) {
        boolean ours = false;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          Anchor anchor = PublishedManifests.anchor(topic, record);
          if (anchor.stream().database().equals(database)) {
            newest.merge(anchor.stream(), anchor, (a, b) -> a.seq() >= b.seq() ? a : b);
            ours = true;
          }
        }
        if (ours) {
          onManifest.run();
        }
      }
    } catch (WakeupException e) {
      // Closing.
    } catch (RuntimeException e) {
      LOG.warn(
          "Stopped watching manifests topic {} ({}): the follower polls every interval",
          topic,
          e.getMessage());
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
