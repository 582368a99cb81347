package io.walstream.ingest.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.ingest.config.IngestConfig;
import io.walstream.ingest.metrics.IngestMetrics;
import io.walstream.ingest.topology.IngestTopology;
import io.walstream.service.kafka.KafkaAccess;
import io.walstream.service.kafka.ServiceKeys;
import io.walstream.service.kafka.Topics;
import io.walstream.service.streams.StreamsRunner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires {@code walstream ingest}: its topics, the topology, Kafka Streams (exactly-once), metrics
 * and the health endpoint. Only wiring; the behaviour lives in the topology.
 */
public final class IngestApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);

  private final IngestConfig config;
  private final IngestMetrics metrics;
  private final IngestConfig.Stages shape;
  private final StreamsRunner runner;

  private IngestApp(IngestConfig config) {
    this.config = config;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new IngestMetrics(registry);
    KafkaAccess.Client client =
        new KafkaAccess.Client(config.streamsProperties(), "ingest", config.grants());
    ensureTopics(config, client);
    this.shape =
        StageChoice.choose(
            config.stages(),
            StageChoice.read(config, client),
            IngestTopology.stageBetweenTopic(config.applicationId()));
    Properties properties = new Properties();
    properties.putAll(config.streamsProperties());
    this.runner =
        new StreamsRunner(
            new KafkaStreams(IngestTopology.build(config, metrics, shape), properties),
            client,
            registry,
            config.metricsPort(),
            e -> {},
            this::explain);
  }

  /**
   * Kafka Streams' own words when an input gains partitions under one stage ("Existing internal
   * topic ...-changelog has invalid partitions ... Use StreamsResetter") would send the user to a
   * tool that deletes the waiting transactions: the ingest says what happened and what to do.
   * Matched by Kafka's wording: IngestStagesIT (an input gaining partitions in one stage) fails if
   * Kafka Streams changes it.
   */
  private Throwable explain(Throwable failure) {
    if (shape != IngestConfig.Stages.ONE) {
      return failure;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains(IngestTopology.STORE + "-changelog has invalid partitions")) {
        return IngestTopology.notInOnePartition(
            config.stages(),
            "An input topic of the ingest gained partitions (more tasks than the store's"
                + " changelog has partitions)",
            failure);
      }
    }
    return failure;
  }

  /** Creates the ingest and starts it. */
  public static IngestApp start(IngestConfig config) {
    IngestApp app = new IngestApp(config);
    app.runner.start();
    LOG.info(
        "Ingesting {} topics matching '{}'{} into {} (application id {}, {} stage{})",
        config.format().label(),
        config.topicsRegex(),
        config.transactionTopic().isEmpty()
            ? " without transaction metadata"
            : " with transactions from " + config.transactionTopic(),
        config.outputTopic(),
        config.applicationId(),
        app.shape.label(),
        app.shape == IngestConfig.Stages.ONE ? "" : "s");
    return app;
  }

  private static void ensureTopics(IngestConfig config, KafkaAccess.Client client) {
    Optional<Short> replication =
        config.topicReplicationFactor() < 0
            ? Optional.empty()
            : Optional.of(config.topicReplicationFactor());
    List<NewTopic> topics =
        List.of(config.outputTopic(), config.dlqTopic()).stream()
            .distinct()
            .map(name -> new NewTopic(name, Optional.of(config.topicPartitions()), replication))
            .toList();
    Topics.ensure(
        client,
        topics,
        config.createTopics() ? Topics.Missing.CREATE : Topics.Missing.FAIL,
        ServiceKeys.TOPICS_CREATE);
  }

  /** Blocks until the ingest has stopped (closed, or failed); returns the final state. */
  public KafkaStreams.State awaitTermination() throws InterruptedException {
    return runner.awaitTermination();
  }

  public KafkaStreams.State state() {
    return runner.state();
  }

  /** The failure that stopped the ingest, if any. */
  public Throwable failure() {
    return runner.failure();
  }

  /** The shape it runs in: {@link IngestConfig.Stages#ONE} or {@link IngestConfig.Stages#TWO}. */
  public IngestConfig.Stages shape() {
    return shape;
  }

  public IngestMetrics metrics() {
    return metrics;
  }

  /** The port of the metrics and health endpoint, or -1 when disabled. */
  public int metricsPort() {
    return runner.metricsPort();
  }

  /** Stops gracefully, committing what was processed; whether it stopped within {@code timeout}. */
  public boolean close(Duration timeout) {
    return runner.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(60));
  }
}
