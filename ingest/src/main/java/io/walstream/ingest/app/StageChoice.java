package io.walstream.ingest.app;

import io.walstream.ingest.config.IngestConfig;
import io.walstream.ingest.topology.IngestTopology;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.service.kafka.KafkaAccess;
import io.walstream.service.kafka.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Decides, as the ingest starts, which shape of {@link IngestTopology} it runs ({@link
 * IngestConfig#STAGES}). One stage is safe only while every input topic has one partition, and
 * switching to it from two is safe only once the topic between the stages holds nothing unread:
 * those events were taken from the inputs already (their offsets are committed) and only the second
 * stage would read them. Two stages are always safe: the store keeps its name, so the transactions
 * waiting in it carry over either way.
 */
public final class StageChoice {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * What the choice depends on: the partition count of every input topic that exists, and whether
   * the topic between the stages holds events the ingest has not read yet.
   */
  public record Facts(Map<String, Integer> partitions, boolean unreadBetween) {
    public Facts {
      partitions = Map.copyOf(Objects.requireNonNull(partitions, "partitions"));
    }

    /** The first input topic with more than one partition, if any. */
    Optional<Map.Entry<String, Integer>> partitioned() {
      return new TreeMap<>(partitions)
          .entrySet().stream().filter(e -> e.getValue() > 1).findFirst();
    }
  }

  private StageChoice() {}

  /**
   * The shape for {@code configured}; {@link IngestConfig.Stages#ONE} asked for where it would lose
   * or split events is refused (INVALID_CONFIG), naming the topic.
   */
  public static IngestConfig.Stages choose(
      IngestConfig.Stages configured, Facts facts, String betweenTopic) {
    Optional<Map.Entry<String, Integer>> partitioned = facts.partitioned();
    return switch (configured) {
      case TWO -> IngestConfig.Stages.TWO;
      case AUTO ->
          partitioned.isPresent() || facts.unreadBetween()
              ? IngestConfig.Stages.TWO
              : IngestConfig.Stages.ONE;
      case ONE -> {
        if (facts.unreadBetween()) {
          throw refused(
              "the topic between the two stages, "
                  + betweenTopic
                  + ", still holds events read from the inputs and not assembled yet; run with"
                  + " two (or auto) until they are, or they would be lost");
        }
        if (partitioned.isPresent()) {
          throw refused(
              "it needs every input topic in one partition, and "
                  + partitioned.get().getKey()
                  + " has "
                  + partitioned.get().getValue()
                  + "; use two (or auto)");
        }
        yield IngestConfig.Stages.ONE;
      }
    };
  }

  private static WalstreamException refused(String why) {
    return new WalstreamException(
        ErrorKind.INVALID_CONFIG,
        "Cannot start ingest with " + IngestConfig.STAGES + "=one: " + why);
  }

  /** The facts on the cluster, read with the ingest's own identity. */
  public static Facts read(IngestConfig config, KafkaAccess.Client client) {
    if (config.stages() == IngestConfig.Stages.TWO) {
      return new Facts(Map.of(), false);
    }
    Map<String, Object> settings = Topics.adminSettings(client.settings());
    try (Admin admin = Admin.create(settings)) {
      Set<String> topics = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new Facts(
          inputPartitions(admin, topics, config), unreadBetween(admin, topics, settings, config));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WalstreamException("Interrupted while reading the ingest's input topics", e);
    } catch (ExecutionException | TimeoutException e) {
      if (client.explain(e) instanceof WalstreamException refused) {
        throw refused;
      }
      throw new WalstreamException(
          "Cannot start ingest: cannot describe its input topics on "
              + config.bootstrapServers()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static Map<String, Integer> inputPartitions(
      Admin admin, Set<String> topics, IngestConfig config)
      throws InterruptedException, ExecutionException, TimeoutException {
    Pattern inputs = Pattern.compile(config.topicsRegex());
    List<String> names =
        topics.stream()
            .filter(t -> inputs.matcher(t).matches() || t.equals(config.transactionTopic()))
            .toList();
    Map<String, Integer> partitions = new HashMap<>();
    for (TopicDescription d :
        admin
            .describeTopics(names)
            .allTopicNames()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            .values()) {
      partitions.put(d.name(), d.partitions().size());
    }
    return partitions;
  }

  /**
   * Whether the topic between holds events past the ingest's committed offsets, found by reading as
   * the second stage would (read_committed: aborted events and transaction markers do not count).
   */
  private static boolean unreadBetween(
      Admin admin, Set<String> topics, Map<String, Object> settings, IngestConfig config)
      throws InterruptedException, ExecutionException, TimeoutException {
    String between = IngestTopology.stageBetweenTopic(config.applicationId());
    if (!topics.contains(between)) {
      return false;
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(config.applicationId())
            .partitionsToOffsetAndMetadata()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Map<String, Object> consumer = new HashMap<>(settings);
    consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> reader =
        new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          reader.partitionsFor(between, TIMEOUT).stream()
              .map(p -> new TopicPartition(between, p.partition()))
              .toList();
      reader.assign(parts);
      for (TopicPartition p : parts) {
        OffsetAndMetadata at = committed.get(p);
        if (at == null) {
          reader.seekToBeginning(List.of(p));
        } else {
          reader.seek(p, at.offset());
        }
      }
      return anyUnread(reader, parts);
    }
  }

  /** Whether one event can be read before the ends; one decides the shape, more do not matter. */
  private static boolean anyUnread(
      KafkaConsumer<byte[], byte[]> reader, List<TopicPartition> parts) {
    Map<TopicPartition, Long> ends = reader.endOffsets(parts, TIMEOUT);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (parts.stream().anyMatch(p -> reader.position(p, TIMEOUT) < ends.get(p))) {
      if (System.nanoTime() > deadline) {
        throw new WalstreamException(
            "Cannot start ingest: reading the topic between its stages took longer than "
                + TIMEOUT.toSeconds()
                + " s");
      }
      if (!reader.poll(Duration.ofMillis(200)).isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
