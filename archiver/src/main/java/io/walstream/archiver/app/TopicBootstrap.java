package io.walstream.archiver.app;

import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.service.kafka.Topics;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;

/** Makes sure the input, manifests and dead-letter topics exist before the archiver starts. */
public final class TopicBootstrap {
  private TopicBootstrap() {}

  /** Creates missing topics, or fails naming them when creation is disabled. */
  public static void ensureTopics(ArchiverConfig config) {
    Set<String> wanted = new LinkedHashSet<>(config.inputTopics());
    wanted.add(config.manifestsTopic());
    wanted.add(config.dlqTopic());
    Optional<Short> replication =
        config.topicReplicationFactor() < 0
            ? Optional.empty()
            : Optional.of(config.topicReplicationFactor());
    List<NewTopic> topics =
        wanted.stream()
            .map(name -> new NewTopic(name, Optional.of(config.topicPartitions()), replication))
            .toList();
    Topics.ensure(
        new io.walstream.service.kafka.KafkaAccess.Client(
            config.streamsProperties(), "archiver", config.grants()),
        topics,
        config.createTopics() ? Topics.Missing.CREATE : Topics.Missing.FAIL,
        ArchiverConfig.TOPICS_CREATE);
  }
}
