package io.walstream.schemas.testing;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Assumptions;

/**
 * The one real Kafka broker of a test JVM, shared by every integration test in it: an in-process
 * single-node KRaft cluster from Kafka's own test kit by default (about 3 s to start, once), or,
 * with {@code -Dwalstream.it.broker=testcontainers} on a machine with a Docker engine, a
 * Testcontainers Kafka; without Docker those tests are skipped, not failed.
 *
 * <p>With {@code -Dwalstream.it.broker=secured} the in-process broker authenticates every client
 * (SASL_PLAINTEXT: PLAIN for the administrator {@value #ADMIN}, SCRAM-SHA-512 for the principals a
 * test creates with {@link #createUser}) and authorizes every operation with the standard KRaft
 * authorizer, nothing allowed without an ACL; {@link #admin()} and {@link #createTopics} then act
 * as the administrator, and {@link #clientProperties(String)} are a principal's settings.
 */
public final class KafkaBroker {
  private static final String MODE = System.getProperty("walstream.it.broker", "embedded");
  private static String bootstrapServers;
  private static AutoCloseable running;

  private KafkaBroker() {}

  /** The bootstrap servers of the shared broker, starting it on first use. */
  public static synchronized String bootstrapServers() {
    if (bootstrapServers == null) {
      bootstrapServers =
          switch (MODE) {
            case "testcontainers" -> startContainer();
            case "secured" -> startEmbedded(true);
            default -> startEmbedded(false);
          };
      Runtime.getRuntime().addShutdownHook(new Thread(KafkaBroker::stop, "kafka-broker-stop"));
    }
    return bootstrapServers;
  }

  /** The administrator of the secured broker (a super user; PLAIN). */
  public static final String ADMIN = "plain-admin";

  private static final String ADMIN_PASSWORD = "plain-admin-secret";

  /** Whether this JVM's broker is the secured one. */
  public static boolean secured() {
    return MODE.equals("secured");
  }

  private static String startEmbedded(boolean secured) {
    // The broker shares the test JVM: a fatal fault in it (seen while the JVM shuts down under
    // load) must not end the JVM with a non-zero status after every test passed. Say so instead.
    Exit.setExitProcedure(
        (code, message) ->
            System.err.println("Embedded Kafka broker asked to exit(" + code + "): " + message));
    Exit.setHaltProcedure(
        (code, message) ->
            System.err.println("Embedded Kafka broker asked to halt(" + code + "): " + message));
    try {
      TestKitNodes.Builder nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1);
      if (secured) {
        nodes
            .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
            .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
      }
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
      if (secured) {
        // The test kit sets up PLAIN and the standard authorizer (nothing allowed without an
        // ACL, the administrator a super user); SCRAM-SHA-512 is added on the broker's listener.
        builder
            .setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512")
            .setConfigProp(
                "listener.name.external.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      }
      KafkaClusterTestKit cluster =
          builder
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("offsets.topic.num.partitions", "3")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("transaction.state.log.num.partitions", "3")
              .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
              .setConfigProp("share.coordinator.state.topic.min.isr", "1")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("log.cleaner.dedupe.buffer.size", "16777216")
              .setConfigProp("auto.create.topics.enable", "false")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      running = cluster;
      return cluster.bootstrapServers();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start the embedded Kafka broker", e);
    }
  }

  private static String startContainer() {
    Assumptions.assumeTrue(
        org.testcontainers.DockerClientFactory.instance().isDockerAvailable(),
        "walstream.it.broker=testcontainers needs a Docker engine, and none is available");
    org.testcontainers.kafka.KafkaContainer container =
        new org.testcontainers.kafka.KafkaContainer("apache/kafka:4.1.0");
    container.start();
    running = container::stop;
    return container.getBootstrapServers();
  }

  private static void stop() {
    try {
      running.close();
    } catch (Exception e) {
      System.err.println("Kafka broker did not stop cleanly: " + e);
    }
  }

  /** An admin client for the shared broker; the caller closes it. */
  public static Admin admin() {
    return Admin.create(adminSettings());
  }

  /** Client settings of the administrator (on the open broker: the bootstrap servers alone). */
  public static Map<String, Object> adminSettings() {
    Map<String, Object> props = new java.util.HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    if (secured()) {
      props.put("security.protocol", "SASL_PLAINTEXT");
      props.put("sasl.mechanism", "PLAIN");
      props.put(
          "sasl.jaas.config",
          "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
              + ADMIN
              + "\" password=\""
              + ADMIN_PASSWORD
              + "\";");
    }
    return props;
  }

  /** Creates (or updates) a SCRAM-SHA-512 principal {@code User:<user>} on the secured broker. */
  public static void createUser(String user, String password) {
    try (Admin admin = admin()) {
      admin
          .alterUserScramCredentials(
              java.util.List.of(
                  new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(
                      user,
                      new org.apache.kafka.clients.admin.ScramCredentialInfo(
                          org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 8192),
                      password)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create the SCRAM user " + user, e);
    }
  }

  /** The Kafka client settings of {@code User:<user>} with {@code password} (SCRAM-SHA-512). */
  public static Map<String, String> scramSettings(String user, String password) {
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "SCRAM-SHA-512",
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
  }

  /**
   * Creates topics with {@code partitions} partitions (replication factor 1) and waits for them.
   */
  public static void createTopics(int partitions, String... topics) {
    try (Admin admin = admin()) {
      Set<NewTopic> newTopics = new java.util.HashSet<>();
      for (String topic : topics) {
        newTopics.add(new NewTopic(topic, partitions, (short) 1));
      }
      admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create topics " + String.join(",", topics), e);
    }
  }

  /** Client properties pointing at the shared broker. */
  public static Properties clientProperties() {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", bootstrapServers());
    return properties;
  }
}
