package io.walstream.schemas.testing;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Assumptions;

/**
 * The one real Kafka broker of a test JVM, shared by every integration test in it: an in-process
 * single-node KRaft cluster from Kafka's own test kit by default (about 3 s to start, once), or,
 * with {@code -Dwalstream.it.broker=testcontainers} on a machine with a Docker engine, a
 * Testcontainers Kafka; without Docker those tests are skipped, not failed.
 */
public final class KafkaBroker {
  private static final String MODE = System.getProperty("walstream.it.broker", "embedded");
  private static String bootstrapServers;
  private static AutoCloseable running;

  private KafkaBroker() {}

  /** The bootstrap servers of the shared broker, starting it on first use. */
  public static synchronized String bootstrapServers() {
    if (bootstrapServers == null) {
      bootstrapServers = MODE.equals("testcontainers") ? startContainer() : startEmbedded();
      Runtime.getRuntime().addShutdownHook(new Thread(KafkaBroker::stop, "kafka-broker-stop"));
    }
    return bootstrapServers;
  }

  private static String startEmbedded() {
    // The broker shares the test JVM: a fatal fault in it (seen while the JVM shuts down under
    // load) must not end the JVM with a non-zero status after every test passed. Say so instead.
    Exit.setExitProcedure(
        (code, message) ->
            System.err.println("Embedded Kafka broker asked to exit(" + code + "): " + message));
    Exit.setHaltProcedure(
        (code, message) ->
            System.err.println("Embedded Kafka broker asked to halt(" + code + "): " + message));
    try {
      KafkaClusterTestKit cluster =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .build())
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
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
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
