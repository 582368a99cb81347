package io.walstream.archiver.app;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.crypto.LocalKek;
import io.walstream.archive.crypto.ManifestSigner;
import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archive.error.KeyUnavailableException;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.retry.Retrier;
import io.walstream.archive.retry.Sleeper;
import io.walstream.archive.store.ArchiveProbe;
import io.walstream.archive.store.ArchiveUri;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archive.store.RetryingObjectStore;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archiver.commit.ArchivingClientSupplier;
import io.walstream.archiver.commit.CommitCoordinator;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.metrics.ArchiverMetrics;
import io.walstream.archiver.partition.ArchiverRuntime;
import io.walstream.archiver.topology.ArchiverTopology;
import io.walstream.service.http.HttpEndpoint;
import io.walstream.service.kafka.InstanceIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the archiver: object store, topics, topology, Kafka Streams with the archiving client
 * supplier, metrics and health endpoint. Only wiring; the behaviour lives in the topology.
 */
public final class ArchiverApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiverApp.class);

  private final ArchiverConfig config;
  private final ObjectStore store;
  private final KafkaStreams streams;
  private final PrometheusMeterRegistry registry;
  private final ArchiverMetrics metrics;
  private final KafkaStreamsMetrics streamsMetrics;
  private final HttpEndpoint endpoint;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch terminated = new CountDownLatch(1);

  // Commits cuts off the stream threads; each partition's cuts run one at a time, in order.
  private final ExecutorService cutExecutor =
      Executors.newFixedThreadPool(
          Math.max(1, Runtime.getRuntime().availableProcessors()),
          new ThreadFactory() {
            private final AtomicInteger count = new AtomicInteger();

            @Override
            public Thread newThread(Runnable runnable) {
              Thread thread = new Thread(runnable, "walstream-cut-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            }
          });

  private ArchiverApp(ArchiverConfig config, UnaryOperator<ObjectStore> storeDecorator) {
    this.config = config;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new ArchiverMetrics(registry);
    ObjectStore raw = ObjectStores.openRaw(ArchiveUri.parse(config.archiveUri()));
    Retrier retrier =
        new Retrier(
            config.storageRetry(),
            Sleeper.SYSTEM,
            (operation, key, attempt, e) -> metrics.storageRetry(operation.verb()));
    String writer = writerId(config);
    // Before Kafka is touched: a location it cannot write fails here, not after the first batch.
    // On the undecorated store, so that fault tests count only the archive's own calls.
    ArchiveProbe.requireWritable(new RetryingObjectStore(raw, retrier), writer);
    this.store = new RetryingObjectStore(storeDecorator.apply(raw), retrier);
    Keyring keys = keys(config, store);
    TopicBootstrap.ensureTopics(config);
    ArchiverRuntime runtime =
        new ArchiverRuntime(
            config,
            writer(config, store, writer, keys),
            new ArchiveReader(store, keys),
            new CommitCoordinator(),
            new KafkaSourceReader(config.streamsProperties(), Duration.ofSeconds(60)),
            metrics,
            Clock.systemUTC(),
            cutExecutor);
    Properties properties = new Properties();
    properties.putAll(config.streamsProperties());
    this.streams =
        new KafkaStreams(
            ArchiverTopology.build(runtime),
            properties,
            new ArchivingClientSupplier(runtime.coordinator()));
    streams.setUncaughtExceptionHandler(
        e -> {
          // Loud, and no partial progress: the client stops; uncommitted records are re-read on
          // restart.
          failure.compareAndSet(null, e);
          metrics.storageFailure(e.getClass().getSimpleName());
          LOG.error("Archiver stopping: {}", e.getMessage(), e);
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
    this.endpoint = startEndpoint();
  }

  private static ArchiveWriter writer(
      ArchiverConfig config, ObjectStore store, String writerId, Keyring keys) {
    return new ArchiveWriter(
        store,
        writerId,
        config.segmentCompressionLevel(),
        keys,
        config.signingKey().isEmpty()
            ? ManifestSigner.NONE
            : ManifestSigner.load(Path.of(config.signingKey())));
  }

  /** The keys segments are encrypted with, refusing to start on a KEK that cannot open them. */
  private static Keyring keys(ArchiverConfig config, ObjectStore store) {
    Optional<LocalKek> kek =
        config.encryptionKek().isEmpty()
            ? Optional.empty()
            : Optional.of(LocalKek.load(Path.of(config.encryptionKek())));
    try {
      return Keyring.forWriting(store, kek);
    } catch (KeyUnavailableException e) {
      throw new InvalidConfigException(
          "Cannot start archiver: " + ArchiverConfig.ENCRYPTION_KEK + ": " + e.getMessage(), e);
    }
  }

  /** Creates the archiver and starts it. */
  public static ArchiverApp start(ArchiverConfig config) {
    return start(config, UnaryOperator.identity());
  }

  /**
   * Creates the archiver with its object store wrapped by {@code storeDecorator} (for fault and
   * crash tests, which inject failures between the store and the retries) and starts it.
   */
  public static ArchiverApp start(
      ArchiverConfig config, UnaryOperator<ObjectStore> storeDecorator) {
    ArchiverApp app = new ArchiverApp(config, storeDecorator);
    app.streams.start();
    LOG.info(
        "Archiving {} into {} as {} (application id {})",
        config.inputTopics(),
        config.archiveUri(),
        config.writerId().isEmpty() ? "generated id" : config.writerId(),
        config.applicationId());
    return app;
  }

  private HttpEndpoint startEndpoint() {
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

  private static String writerId(ArchiverConfig config) {
    if (!config.writerId().isEmpty()) {
      return config.writerId();
    }
    return config.applicationId() + "/" + InstanceIds.generate();
  }

  /** Blocks until the archiver has stopped (closed, or failed); returns the final state. */
  public KafkaStreams.State awaitTermination() throws InterruptedException {
    terminated.await();
    return streams.state();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The failure that stopped the archiver, if any. */
  public Throwable failure() {
    return failure.get();
  }

  public ArchiverMetrics metrics() {
    return metrics;
  }

  /** The port of the metrics and health endpoint, or -1 when disabled. */
  public int metricsPort() {
    return endpoint == null ? -1 : endpoint.port();
  }

  /**
   * Stops gracefully: Kafka Streams commits, which cuts and archives every buffer first.
   *
   * @return whether it stopped within {@code timeout}
   */
  public boolean close(Duration timeout) {
    // Leave the group, so that partitions move to the remaining instances at once.
    boolean closed =
        streams.close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
    streamsMetrics.close();
    // Streams closed its tasks, which waited for their cuts: nothing is left to run here.
    cutExecutor.shutdown();
    if (endpoint != null) {
      endpoint.close();
    }
    store.close();
    return closed;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(60));
  }
}
