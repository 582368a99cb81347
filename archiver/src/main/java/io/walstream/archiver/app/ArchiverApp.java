package io.walstream.archiver.app;

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
import io.walstream.archiver.partition.ConfluentChangeRecords;
import io.walstream.archiver.partition.InputDecoder;
import io.walstream.archiver.topology.ArchiverTopology;
import io.walstream.service.kafka.InstanceIds;
import io.walstream.service.kafka.KafkaAccess;
import io.walstream.service.registry.SchemaRegistryClient;
import io.walstream.service.streams.StreamsRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.KafkaStreams;
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
  private final PrometheusMeterRegistry registry;
  private final ArchiverMetrics metrics;
  private final StreamsRunner runner;

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
            cutExecutor,
            inputDecoder(config));
    Properties properties = new Properties();
    properties.putAll(config.streamsProperties());
    this.runner =
        new StreamsRunner(
            new KafkaStreams(
                ArchiverTopology.build(runtime),
                properties,
                new ArchivingClientSupplier(runtime.coordinator())),
            new KafkaAccess.Client(config.streamsProperties(), "archiver", config.grants()),
            registry,
            config.metricsPort(),
            // Loud, and no partial progress: uncommitted records are re-read on restart.
            e -> metrics.storageFailure(e.getClass().getSimpleName()),
            UnaryOperator.identity());
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

  private static InputDecoder inputDecoder(ArchiverConfig config) {
    return config.inputFormat() == ArchiverConfig.InputFormat.CONFLUENT_AVRO
        ? new ConfluentChangeRecords(
            new SchemaRegistryClient(config.schemaRegistryUrl(), config.schemaRegistryUserInfo()))
        : InputDecoder.SINGLE_OBJECT;
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
    app.runner.start();
    LOG.info(
        "Archiving {} into {} as {} (application id {})",
        config.inputTopics(),
        config.archiveUri(),
        config.writerId().isEmpty() ? "generated id" : config.writerId(),
        config.applicationId());
    return app;
  }

  private static String writerId(ArchiverConfig config) {
    if (!config.writerId().isEmpty()) {
      return config.writerId();
    }
    return config.applicationId() + "/" + InstanceIds.generate();
  }

  /** Blocks until the archiver has stopped (closed, or failed); returns the final state. */
  public KafkaStreams.State awaitTermination() throws InterruptedException {
    return runner.awaitTermination();
  }

  public KafkaStreams.State state() {
    return runner.state();
  }

  /** The failure that stopped the archiver, if any. */
  public Throwable failure() {
    return runner.failure();
  }

  public ArchiverMetrics metrics() {
    return metrics;
  }

  /** The port of the metrics and health endpoint, or -1 when disabled. */
  public int metricsPort() {
    return runner.metricsPort();
  }

  /**
   * Stops gracefully: Kafka Streams commits, which cuts and archives every buffer first.
   *
   * @return whether it stopped within {@code timeout}
   */
  public boolean close(Duration timeout) {
    boolean closed = runner.close(timeout);
    // Streams closed its tasks, which waited for their cuts: nothing is left to run here.
    cutExecutor.shutdown();
    store.close();
    return closed;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(60));
  }
}
