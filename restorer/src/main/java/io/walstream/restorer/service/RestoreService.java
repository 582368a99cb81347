package io.walstream.restorer.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.service.http.HttpEndpoint;
import io.walstream.service.kafka.InstanceIds;
import io.walstream.service.kafka.KafkaAccess;
import io.walstream.service.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore service: consumes restore commands in a consumer group, runs them as jobs with
 * bounded concurrency and publishes their statuses. A command id is run at most once to a terminal
 * state (the job table is rebuilt from the status topic whenever partitions are assigned); a job
 * whose instance stopped before it finished is re-run from the beginning by the instance that next
 * owns its command's partition, which is safe because restore outputs are atomic.
 */
public final class RestoreService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreService.class);

  /** Lifecycle of the service. */
  public enum State {
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED
  }

  private final RestoreServiceConfig config;
  private final ObjectStore store;
  private final ServiceAnchors anchors;
  private final String instanceId;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ServiceMetrics metrics = new ServiceMetrics(registry);
  private final JobTable table = new JobTable();
  private final StatusPublisher publisher;
  private final CommandDispatch dispatch;
  // Not final: the dispatch, made first, refers to it (it asks only once commands arrive).
  private CommandIntake intake;
  private final ExecutorService jobs;
  private final Map<String, RestoreJob> active = new ConcurrentHashMap<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final HttpEndpoint endpoint;
  private final Thread loop;
  private final Maintenance maintenance;
  private final ScheduledExecutorService schedule =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread t = new Thread(runnable, "walstream-maintenance");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean stopping;
  private volatile State state = State.STARTING;
  private volatile Throwable failure;

  /** The archive's keys, opened once with the configured KEK (none when no KEK is set). */
  private static io.walstream.archive.crypto.Keyring keys(
      RestoreServiceConfig config, ObjectStore store) {
    if (config.encryptionKek().isEmpty()) {
      return io.walstream.archive.crypto.Keyring.none();
    }
    try {
      return io.walstream.archive.crypto.Keyring.open(
          store,
          io.walstream.archive.crypto.LocalKek.load(java.nio.file.Path.of(config.encryptionKek())));
    } catch (io.walstream.archive.error.KeyUnavailableException e) {
      throw new io.walstream.archive.error.InvalidConfigException(
          "Cannot start restore service: "
              + RestoreServiceConfig.ENCRYPTION_KEK
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private RestoreService(RestoreServiceConfig config) {
    this.config = config;
    this.instanceId = config.instanceId().isEmpty() ? InstanceIds.generate() : config.instanceId();
    this.store = ObjectStores.open(config.archiveUri());
    this.anchors = new ServiceAnchors(config);
    this.publisher = new StatusPublisher(config, instanceId, table, Clock.systemUTC());
    ArchiveReader reader = new ArchiveReader(store);
    CommandCheck check = new CommandCheck(config, () -> Set.copyOf(reader.databases()));
    this.jobs =
        Executors.newFixedThreadPool(
            config.maxConcurrentJobs(),
            runnable -> {
              Thread t = new Thread(runnable, "walstream-restore-job");
              t.setDaemon(true);
              return t;
            });
    this.consumer = CommandIntake.consumer(config);
    // One reader for every job and the maintenance: the archive's keys, and its signatures.
    io.walstream.archive.read.ArchiveReader archive =
        new io.walstream.archive.read.ArchiveReader(
            store,
            keys(config, store),
            config.signingPublicKey().isEmpty()
                ? io.walstream.archive.verify.SignatureCheck.NONE
                : io.walstream.archive.verify.SignatureCheck.load(
                    java.nio.file.Path.of(config.signingPublicKey())));
    this.maintenance = new Maintenance(store, archive, instanceId, config.maintenance(), registry);
    JobContext context =
        new JobContext(
            store,
            publisher,
            metrics,
            config.progressIntervalMs(),
            Clock.systemUTC(),
            anchors,
            maintenance,
            config.clientProperties(),
            config.followPollIntervalMs(),
            archive);
    this.dispatch =
        new CommandDispatch(check, table, active, jobs, context, id -> intake.partitionOf(id));
    this.intake =
        new CommandIntake(
            config, consumer, table, publisher::flush, dispatch::recover, dispatch::release);
    this.endpoint = startEndpoint();
    this.loop = new Thread(this::run, "walstream-restorer");
  }

  /** Creates the topics when missing, then starts consuming commands. */
  public static RestoreService start(RestoreServiceConfig config) {
    Topics.ensure(
        client(config),
        List.of(
            new NewTopic(
                config.commandsTopic(), Optional.of(config.topicPartitions()), replication(config)),
            new NewTopic(
                    config.statusTopic(),
                    Optional.of(config.topicPartitions()),
                    replication(config))
                .configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))),
        config.createTopics() ? Topics.Missing.CREATE : Topics.Missing.FAIL,
        RestoreServiceConfig.TOPICS_CREATE);
    if (config
        .sqliteAllowedDirs()
        .equals(List.of(Path.of(RestoreServiceConfig.DEFAULT_SQLITE_DIR)))) {
      try {
        Files.createDirectories(Path.of(RestoreServiceConfig.DEFAULT_SQLITE_DIR));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the default restores/ directory", e);
      }
    }
    RestoreService service = new RestoreService(config);
    service.loop.start();
    service.startSchedule();
    LOG.info(
        "Restore service {} serving {} from {}",
        service.instanceId,
        config.commandsTopic(),
        config.archiveUri());
    return service;
  }

  private void startSchedule() {
    MaintenanceSettings settings = config.maintenance();
    if (!settings.scheduled()) {
      return;
    }
    long every = settings.interval().toMillis();
    schedule.scheduleWithFixedDelay(maintenance::runScheduled, every, every, TimeUnit.MILLISECONDS);
    LOG.info(
        "Restore service {} snapshots {} every {}{}",
        instanceId,
        settings.databases().isEmpty() ? "every database" : settings.databases(),
        settings.interval(),
        settings.policy() == null ? "" : ", then applies " + settings.policy().describe());
  }

  private static Optional<Short> replication(RestoreServiceConfig config) {
    return config.topicReplicationFactor() < 0
        ? Optional.empty()
        : Optional.of(config.topicReplicationFactor());
  }

  private void run() {
    try {
      intake.subscribe();
      state = State.RUNNING;
      while (!stopping) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, byte[]> record : records) {
          dispatch.handle(record);
        }
        if (!records.isEmpty()) {
          // Statuses first: once a command's offset is committed, its job lives in the status
          // topic only.
          publisher.flush();
          consumer.commitSync();
        }
      }
    } catch (WakeupException e) {
      if (!stopping) {
        fail(e);
      }
    } catch (RuntimeException e) {
      fail(e);
    } finally {
      shutDown();
    }
  }

  /** The service's Kafka identity, so that a refusal names what it needs. */
  private static KafkaAccess.Client client(RestoreServiceConfig config) {
    return new KafkaAccess.Client(config.clientProperties(), "restore service", config.grants());
  }

  private void fail(RuntimeException e) {
    // A refused credential or ACL becomes one line naming the principal, the operation and the
    // resource: the service stops, since retrying cannot help until the broker changes.
    Throwable explained = client(config).explain(e);
    failure = explained;
    LOG.error("Restore service {} failed: {}", instanceId, explained.getMessage(), e);
  }

  private void shutDown() {
    state = State.STOPPING;
    schedule.shutdownNow();
    try {
      if (!schedule.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("A scheduled snapshot or retention run did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (RestoreJob job : active.values()) {
      job.stop(RestoreJob.Stop.SHUTDOWN);
    }
    jobs.shutdown();
    try {
      if (!jobs.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("Jobs still running after 60 s: {}", active.keySet());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      publisher.flush();
    } catch (RuntimeException e) {
      LOG.error("Cannot publish the last statuses: {}", e.toString());
    }
    publisher.close();
    consumer.close(Duration.ofSeconds(10));
    store.close();
    if (endpoint != null) {
      endpoint.close();
    }
    state = failure == null ? State.STOPPED : State.FAILED;
    stopped.countDown();
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
            Throwable failed = failure;
            return new HttpEndpoint.Health(
                state == State.RUNNING,
                failed == null ? state.name() : state.name() + ": " + failed.getMessage());
          });
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve metrics on port " + config.metricsPort() + ": " + e.getMessage(), e);
    }
  }

  /** This instance's id, as published in its statuses. */
  public String instanceId() {
    return instanceId;
  }

  public State state() {
    return state;
  }

  /** The failure that stopped the service, if any. */
  public Throwable failure() {
    return failure;
  }

  /** The port of the metrics and health endpoint, or -1 when disabled. */
  public int metricsPort() {
    return endpoint == null ? -1 : endpoint.port();
  }

  /** The jobs known to this instance, by latest status. */
  public JobTable jobs() {
    return table;
  }

  /** Blocks until the service has stopped. */
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops consuming, stops running jobs at their next transaction boundary (they are re-run from
   * the beginning when an instance next starts), publishes their last statuses and closes.
   */
  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      stopped.await(90, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
