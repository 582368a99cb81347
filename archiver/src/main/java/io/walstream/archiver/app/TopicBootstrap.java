package io.walstream.archiver.app;

import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archiver.config.ArchiverConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes sure the input, manifests and dead-letter topics exist before the archiver starts. */
public final class TopicBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);

  private TopicBootstrap() {}

  /** Creates missing topics, or fails naming them when creation is disabled. */
  public static void ensureTopics(ArchiverConfig config) {
    Set<String> wanted = new LinkedHashSet<>(config.inputTopics());
    wanted.add(config.manifestsTopic());
    wanted.add(config.dlqTopic());
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<String> missing = new ArrayList<>(wanted);
      missing.removeAll(existing);
      if (missing.isEmpty()) {
        return;
      }
      if (!config.createTopics()) {
        throw new InvalidConfigException(
            "Cannot start archiver: topics "
                + missing
                + " do not exist and "
                + ArchiverConfig.TOPICS_CREATE
                + " is false");
      }
      List<NewTopic> topics = new ArrayList<>();
      Optional<Short> replication =
          config.topicReplicationFactor() < 0
              ? Optional.empty()
              : Optional.of(config.topicReplicationFactor());
      for (String topic : missing) {
        topics.add(new NewTopic(topic, Optional.of(config.topicPartitions()), replication));
      }
      createAll(admin, topics);
      LOG.info("Created topics {}", missing);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while checking topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot start archiver: cannot list or create topics "
              + wanted
              + " on "
              + config.bootstrapServers()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void createAll(Admin admin, List<NewTopic> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      // Another instance created them at the same time: fine.
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }
}
