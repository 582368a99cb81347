package io.walstream.service.kafka;

import io.walstream.schemas.error.WalstreamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/** Makes sure the topics a walstream application needs exist before it starts. */
public final class Topics {
  private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

  private Topics() {}

  /** Whether topics missing at startup are created or reported. */
  public enum Missing {
    CREATE,
    FAIL
  }

  /**
   * Creates the topics of {@code wanted} that do not exist, or, with {@link Missing#FAIL}, fails
   * naming them and {@code createKey} (the setting that would create them). {@code app} names the
   * application in messages.
   *
   * @throws WalstreamException naming the topics when they are missing or cannot be listed
   */
  public static void ensure(
      String bootstrapServers,
      List<NewTopic> wanted,
      Missing missing,
      String createKey,
      String app) {
    List<String> names = wanted.stream().map(NewTopic::name).toList();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> absent = new ArrayList<>();
      for (NewTopic topic : wanted) {
        if (!existing.contains(topic.name())) {
          absent.add(topic);
        }
      }
      if (absent.isEmpty()) {
        return;
      }
      List<String> absentNames = absent.stream().map(NewTopic::name).toList();
      if (missing == Missing.FAIL) {
        throw new WalstreamException(
            "Cannot start "
                + app
                + ": topics "
                + absentNames
                + " do not exist and "
                + createKey
                + " is false");
      }
      createAll(admin, absent);
      LOG.info("Created topics {}", absentNames);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WalstreamException("Interrupted while checking topics " + names, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new WalstreamException(
          "Cannot start "
              + app
              + ": cannot list or create topics "
              + names
              + " on "
              + bootstrapServers
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
