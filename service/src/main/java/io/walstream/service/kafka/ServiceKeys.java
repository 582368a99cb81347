package io.walstream.service.kafka;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The configuration keys every walstream service declares alike: creating its topics at startup,
 * and the port of its metrics and health endpoint. Each service states which topics it creates and
 * its own defaults.
 */
public final class ServiceKeys {
  public static final String TOPICS_CREATE = "topics.create";
  public static final String TOPICS_PARTITIONS = "topics.partitions";
  public static final String TOPICS_REPLICATION_FACTOR = "topics.replication-factor";
  public static final String METRICS_PORT = "metrics.port";

  private ServiceKeys() {}

  /**
   * Declares the four keys on {@code definition}.
   *
   * @param topics the topics the service creates, as the docs name them (e.g. "input, manifests and
   *     dead-letter topics")
   * @param defaultPartitions partitions of topics created at startup, by default
   * @param defaultMetricsPort the service's own default port
   */
  public static ConfigDef define(
      ConfigDef definition, String topics, int defaultPartitions, int defaultMetricsPort) {
    return definition
        .define(
            TOPICS_CREATE,
            Type.BOOLEAN,
            true,
            Importance.LOW,
            "Create missing "
                + topics
                + " at startup; when false, a missing topic is a startup error naming it.")
        .define(
            TOPICS_PARTITIONS,
            Type.INT,
            defaultPartitions,
            ConfigDef.Range.atLeast(1),
            Importance.LOW,
            "Partitions of the " + topics + " created at startup.")
        .define(
            TOPICS_REPLICATION_FACTOR,
            Type.SHORT,
            (short) -1,
            Importance.LOW,
            "Replication factor of topics created at startup; -1 uses the broker's default.")
        .define(
            METRICS_PORT,
            Type.INT,
            defaultMetricsPort,
            ConfigDef.Range.between(-1, 65535),
            Importance.LOW,
            "Port of the HTTP endpoint serving /metrics (Prometheus) and /health; 0 picks a free"
                + " port, -1 disables it.");
  }
}
