package io.walstream.ingest.app;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.ingest.config.IngestConfig;
import io.walstream.ingest.metrics.IngestMetrics;
import io.walstream.ingest.topology.IngestTopology;
import io.walstream.service.http.HttpEndpoint;
import io.walstream.service.kafka.ServiceKeys;
import io.walstream.service.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires {@code walstream ingest}: its topics, the topology, Kafka Streams (exactly-once), metrics
 * and the health endpoint. Only wiring; the behaviour lives in the topology.
 */
public final class IngestApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);

  private final IngestConfig config;
  private final KafkaStreams streams;
  private final IngestMetrics metrics;
  private final KafkaStreamsMetrics streamsMetrics;
  private final HttpEndpoint endpoint;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch terminated = new CountDownLatch(1);

  private IngestApp(IngestConfig config) {
    this.config = config;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new IngestMetrics(registry);
    ensureTopics(config);
    Properties properties = new Properties();
    properties.putAll(config.streamsProperties());
    this.streams = new KafkaStreams(IngestTopology.build(config, metrics), properties);
    streams.setUncaughtExceptionHandler(
        e -> {
          // Loud, and no partial progress: what was not committed is read again on restart.
          failure.compareAndSet(null, e);
          LOG.error("Ingest stopping: {}", e.getMessage(), e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (newState, oldState) -> {
          if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
            terminated.countDown();
          }
        });
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    this.endpoint = startEndpoint(registry);
  }

  /** Creates the ingest and starts it. */
  public static IngestApp start(IngestConfig config) {
    IngestApp app = new IngestApp(config);
    app.streams.start();
    LOG.info(
        "Ingesting {} topics matching '{}'{} into {} (application id {})",
        config.format().label(),
        config.topicsRegex(),
        config.transactionTopic().isEmpty()
            ? " without transaction metadata"
            : " with transactions from " + config.transactionTopic(),
        config.outputTopic(),
        config.applicationId());
    return app;
  }

  private static void ensureTopics(IngestConfig config) {
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
        config.bootstrapServers(),
        topics,
        config.createTopics() ? Topics.Missing.CREATE : Topics.Missing.FAIL,
        ServiceKeys.TOPICS_CREATE,
        "ingest");
  }

  private HttpEndpoint startEndpoint(PrometheusMeterRegistry registry) {
    if (config.metricsPort() < 0) {
      return null;
    }
    try {
      return HttpEndpoint.start(
          config.metricsPort(),
          registry::scrape,
          () -> {
            KafkaStreams.State state = streams.state();
            boolean healthy =
                state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
            return new HttpEndpoint.Health(healthy, state.name());
          });
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve metrics on port " + config.metricsPort() + ": " + e.getMessage(), e);
    }
  }

  /** Blocks until the ingest has stopped (closed, or failed); returns the final state. */
  public KafkaStreams.State awaitTermination() throws InterruptedException {
    terminated.await();
    return streams.state();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The failure that stopped the ingest, if any. */
  public Throwable failure() {
    return failure.get();
  }

  public IngestMetrics metrics() {
    return metrics;
  }

  /** The port of the metrics and health endpoint, or -1 when disabled. */
  public int metricsPort() {
    return endpoint == null ? -1 : endpoint.port();
  }

  /** Stops gracefully, committing what was processed; whether it stopped within {@code timeout}. */
  public boolean close(Duration timeout) {
    boolean closed =
        streams.close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
    streamsMetrics.close();
    if (endpoint != null) {
      endpoint.close();
    }
    return closed;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(60));
  }
}
