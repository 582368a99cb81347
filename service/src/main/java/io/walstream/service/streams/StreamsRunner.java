package io.walstream.service.streams;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.service.http.HttpEndpoint;
import io.walstream.service.kafka.KafkaAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the two Kafka Streams apps (archiver, ingest) run alike: a failure stops the whole client
 * loudly (what was not committed is read again on restart), the end is awaited, Kafka Streams'
 * metrics join the app's own, and {@code /metrics} and {@code /health} are served; closing leaves
 * the group so that partitions move to the other instances at once.
 */
public final class StreamsRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final HttpEndpoint endpoint;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch terminated = new CountDownLatch(1);

  /**
   * Takes over {@code streams} (not started yet): {@code onFailure} is told of the failure that
   * stops it, {@code explain} may replace a Kafka Streams failure by a walstream error the app
   * knows better words for, {@code metricsPort} -1 serves no endpoint, 0 picks a free port.
   */
  public StreamsRunner(
      KafkaStreams streams,
      KafkaAccess.Client client,
      PrometheusMeterRegistry registry,
      int metricsPort,
      Consumer<Throwable> onFailure,
      UnaryOperator<Throwable> explain) {
    this.streams = streams;
    streams.setUncaughtExceptionHandler(
        e -> {
          // A refused credential or ACL becomes one line naming the principal, the operation and
          // the resource; it stops the app, since no retry helps until the broker changes.
          Throwable explained = walstreamCause(explain.apply(client.explain(e)));
          failure.compareAndSet(null, explained);
          onFailure.accept(e);
          LOG.error("{} stopping: {}", client.component(), explained.getMessage(), e);
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
    this.endpoint = metricsPort < 0 ? null : endpoint(metricsPort, registry);
  }

  private HttpEndpoint endpoint(int port, PrometheusMeterRegistry registry) {
    try {
      return HttpEndpoint.start(
          port,
          registry::scrape,
          () -> {
            KafkaStreams.State state = streams.state();
            boolean healthy =
                state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
            Throwable failed = failure.get();
            return new HttpEndpoint.Health(
                healthy, failed == null ? state.name() : state.name() + ": " + failed.getMessage());
          });
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve metrics on port " + port + ": " + e.getMessage(), e);
    }
  }

  public void start() {
    streams.start();
  }

  /** Blocks until the client has stopped (closed, or failed); returns the final state. */
  public KafkaStreams.State awaitTermination() throws InterruptedException {
    terminated.await();
    return streams.state();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * The walstream error a failure carries (Kafka Streams wraps what a processor throws), so that
   * the message and the exit code are walstream's own; the failure itself when it carries none.
   */
  static Throwable walstreamCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof WalstreamException) {
        return t;
      }
    }
    return failure;
  }

  /** The failure that stopped the client, if any. */
  public Throwable failure() {
    return failure.get();
  }

  /** The port of the metrics and health endpoint, or -1 when disabled. */
  public int metricsPort() {
    return endpoint == null ? -1 : endpoint.port();
  }

  /** Closes Kafka Streams, leaving the group; whether it stopped within {@code timeout}. */
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
