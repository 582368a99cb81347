package io.walstream.service.kafka;

import io.walstream.schemas.error.WalstreamException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicAuthorizationException;
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
   * application in messages. The admin client takes the admin settings of {@code clientProperties}
   * (bootstrap servers, security), so that it authenticates as the app does.
   *
   * @throws WalstreamException naming the topics when they are missing or cannot be listed
   */
  public static void ensure(
      KafkaAccess.Client client, List<NewTopic> wanted, Missing missing, String createKey) {
    Map<String, ?> clientProperties = client.settings();
    String app = client.component();
    List<String> names = wanted.stream().map(NewTopic::name).toList();
    Object bootstrapServers = clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = Admin.create(adminSettings(clientProperties))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> absent =
          wanted.stream().filter(topic -> !existing.contains(topic.name())).toList();
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
                + " do not exist (or "
                + KafkaAccess.principal(clientProperties)
                + " may not DESCRIBE them) and "
                + createKey
                + " is false");
      }
      createAll(admin, absent);
      LOG.info("Created topics {}", absentNames);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WalstreamException("Interrupted while checking topics " + names, e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable refused = client.explain(e);
      if (refused instanceof WalstreamException w) {
        throw w;
      }
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

  /** The settings of {@code clientProperties} an admin client knows (the others it would log). */
  public static Map<String, Object> adminSettings(Map<String, ?> clientProperties) {
    Map<String, Object> admin = new java.util.HashMap<>();
    Set<String> known = AdminClientConfig.configNames();
    clientProperties.forEach(
        (key, value) -> {
          if (known.contains(key) || key.startsWith("sasl.") || key.startsWith("ssl.")) {
            admin.put(key, value);
          }
        });
    return admin;
  }

  private static void createAll(Admin admin, List<NewTopic> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      // Another instance created them at the same time: fine.
      if (e.getCause() instanceof TopicExistsException) {
        return;
      }
      if (e.getCause() instanceof TopicAuthorizationException refused
          && refused.unauthorizedTopics().isEmpty()) {
        // CreateTopics names no topic in its refusal: name the ones it was asked to create.
        Set<String> names = new java.util.TreeSet<>();
        topics.forEach(t -> names.add(t.name()));
        throw new ExecutionException(
            refused.getMessage(), new TopicAuthorizationException(refused.getMessage(), names));
      }
      throw e;
    }
  }
}
