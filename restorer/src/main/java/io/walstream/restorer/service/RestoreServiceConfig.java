package io.walstream.restorer.service;

import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archive.store.ArchiveUri;
import io.walstream.service.kafka.KafkaGrant;
import io.walstream.service.kafka.ServiceKeys;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The restore service's configuration: walstream's own keys declared with Kafka's {@link ConfigDef}
 * and parsed once into this immutable record; every other key (bootstrap.servers, security
 * settings) is passed through to the Kafka clients.
 */
public record RestoreServiceConfig(
    String archiveUri,
    String commandsTopic,
    String statusTopic,
    String groupId,
    String instanceId,
    int maxConcurrentJobs,
    int parallelism,
    long progressIntervalMs,
    long followPollIntervalMs,
    List<Path> sqliteAllowedDirs,
    List<String> jdbcAllowedUrlPrefixes,
    List<String> kafkaAllowedTopics,
    boolean allowOverwrite,
    String signatureKey,
    String manifestsTopic,
    boolean anchorCheck,
    long anchorTimeoutMs,
    boolean createTopics,
    int topicPartitions,
    short topicReplicationFactor,
    int metricsPort,
    MaintenanceSettings maintenance,
    String encryptionKek,
    String signingPublicKey,
    Map<String, Object> clientProperties) {

  public static final String ARCHIVE_URI = "archive.uri";
  public static final String COMMANDS_TOPIC = "restorer.commands.topic";
  public static final String STATUS_TOPIC = "restorer.status.topic";
  public static final String GROUP_ID = "restorer.group.id";
  public static final String INSTANCE_ID = "restorer.instance.id";
  public static final String MAX_CONCURRENT_JOBS = "restorer.max-concurrent-jobs";
  public static final String PARALLELISM = "restorer.parallelism";
  public static final String PROGRESS_INTERVAL_MS = "restorer.progress.interval.ms";
  public static final String FOLLOW_POLL_INTERVAL_MS = "restorer.follow.poll.interval.ms";
  public static final String ENCRYPTION_KEK = "restorer.encryption.kek";
  public static final String SIGNING_PUBLIC_KEY = "restorer.signing.public-key";
  public static final String SQLITE_ALLOWED_DIRS = "restorer.sink.sqlite.allowed-dirs";
  public static final String JDBC_ALLOWED_URL_PREFIXES = "restorer.sink.jdbc.allowed-url-prefixes";
  public static final String KAFKA_ALLOWED_TOPICS = "restorer.sink.kafka.allowed-topics";
  public static final String ALLOW_OVERWRITE = "restorer.sink.allow-overwrite";
  public static final String SIGNATURE_KEY = "restorer.signature.key";
  public static final String MANIFESTS_TOPIC = "restorer.manifests.topic";
  public static final String ANCHOR_CHECK = "restorer.anchor.check";
  public static final String ANCHOR_TIMEOUT_MS = "restorer.anchor.timeout.ms";
  public static final String TOPICS_CREATE = ServiceKeys.TOPICS_CREATE;
  public static final String TOPICS_PARTITIONS = ServiceKeys.TOPICS_PARTITIONS;
  public static final String TOPICS_REPLICATION_FACTOR = ServiceKeys.TOPICS_REPLICATION_FACTOR;
  public static final String METRICS_PORT = ServiceKeys.METRICS_PORT;
  public static final String SNAPSHOT_INTERVAL_MS = "restorer.snapshot.interval.ms";
  public static final String SNAPSHOT_DATABASES = "restorer.snapshot.databases";
  public static final String SNAPSHOT_WORK_DIR = "restorer.snapshot.work.dir";
  public static final String RETENTION_KEEP_SNAPSHOTS = "restorer.retention.keep.snapshots";
  public static final String RETENTION_KEEP_WINDOW_MS = "restorer.retention.keep.window.ms";
  public static final String RETENTION_MIN_AGE_MS = "restorer.retention.min.age.ms";

  /** The directory allowed for SQLite outputs when no allow-list is configured. */
  public static final String DEFAULT_SQLITE_DIR = "restores";

  public static final ConfigDef DEFINITION =
      ServiceKeys.define(
          new ConfigDef()
              .define(
                  ARCHIVE_URI,
                  Type.STRING,
                  ConfigDef.NO_DEFAULT_VALUE,
                  new ConfigDef.NonEmptyString(),
                  Importance.HIGH,
                  "Archive to restore from: file:///absolute/path or s3://bucket/prefix.")
              .define(
                  COMMANDS_TOPIC,
                  Type.STRING,
                  "walstream.restore.commands",
                  new ConfigDef.NonEmptyString(),
                  Importance.MEDIUM,
                  "Topic of restore commands (Avro single-object encoded RestoreCommand, keyed by commandId).")
              .define(
                  STATUS_TOPIC,
                  Type.STRING,
                  "walstream.restore.status",
                  new ConfigDef.NonEmptyString(),
                  Importance.MEDIUM,
                  "Compacted topic of job statuses (RestoreStatus keyed by commandId); the service rebuilds its job table from it on start.")
              .define(
                  GROUP_ID,
                  Type.STRING,
                  "walstream-restorer",
                  new ConfigDef.NonEmptyString(),
                  Importance.MEDIUM,
                  "Consumer group of the service instances; each command partition is served by one instance.")
              .define(
                  INSTANCE_ID,
                  Type.STRING,
                  "",
                  Importance.LOW,
                  "Identity published in every status; empty generates host/random.")
              .define(
                  MAX_CONCURRENT_JOBS,
                  Type.INT,
                  2,
                  ConfigDef.Range.between(1, 64),
                  Importance.MEDIUM,
                  "Jobs run at the same time by one instance; further accepted jobs wait their turn.")
              .define(
                  PARALLELISM,
                  Type.INT,
                  4,
                  ConfigDef.Range.between(1, 64),
                  Importance.LOW,
                  "Segments fetched and verified ahead per job, unless a command asks for another number.")
              .define(
                  PROGRESS_INTERVAL_MS,
                  Type.LONG,
                  1000L,
                  ConfigDef.Range.atLeast(100),
                  Importance.LOW,
                  "Least time between two progress statuses of one job.")
              .define(
                  FOLLOW_POLL_INTERVAL_MS,
                  Type.LONG,
                  1000L,
                  ConfigDef.Range.atLeast(50),
                  Importance.MEDIUM,
                  "How often a follow job reads the archive for new transactions.")
              .define(
                  ENCRYPTION_KEK,
                  Type.STRING,
                  "",
                  Importance.HIGH,
                  "Key-encryption key file that opens an encrypted archive's keyset; jobs then decrypt its segments. Empty: jobs on an encrypted archive fail naming the key they need.")
              .define(
                  SIGNING_PUBLIC_KEY,
                  Type.STRING,
                  "",
                  Importance.MEDIUM,
                  "Public signing key file (keys create-signing-key writes it as FILE.pub): every job refuses a manifest or catalog entry without a valid signature under it. Empty: signatures are not checked.")
              .define(
                  SQLITE_ALLOWED_DIRS,
                  Type.LIST,
                  "",
                  Importance.HIGH,
                  "Directories SQLite outputs may be written to (checked after resolving .. and symlinks); empty allows only restores/ under the working directory.")
              .define(
                  JDBC_ALLOWED_URL_PREFIXES,
                  Type.LIST,
                  "",
                  Importance.HIGH,
                  "JDBC URL prefixes a command may restore into; empty allows no JDBC target.")
              .define(
                  KAFKA_ALLOWED_TOPICS,
                  Type.LIST,
                  "",
                  Importance.HIGH,
                  "Kafka topics a command may replay change records into (sink kind KAFKA); empty allows none.")
              .define(
                  ALLOW_OVERWRITE,
                  Type.BOOLEAN,
                  false,
                  Importance.HIGH,
                  "Whether a command that asks to overwrite an existing output (file or schema) may do so.")
              .define(
                  SIGNATURE_KEY,
                  Type.PASSWORD,
                  null,
                  Importance.HIGH,
                  "Shared key for HMAC-SHA256 command signatures; when set, unsigned or wrongly signed commands are rejected.")
              .define(
                  MANIFESTS_TOPIC,
                  Type.STRING,
                  "walstream.manifests",
                  new ConfigDef.NonEmptyString(),
                  Importance.MEDIUM,
                  "The archiver's manifests topic: every job checks the archive against the newest manifests published there before reading it.")
              .define(
                  ANCHOR_CHECK,
                  Type.BOOLEAN,
                  true,
                  Importance.HIGH,
                  "Whether jobs check the archive against the manifests topic (a rolled-back or replaced newest manifest fails the job); false only for an archive whose manifests topic is gone, and every status then says the check was skipped.")
              .define(
                  ANCHOR_TIMEOUT_MS,
                  Type.LONG,
                  60_000L,
                  ConfigDef.Range.atLeast(1),
                  Importance.LOW,
                  "How long reading the manifests topic to its end may take per job.")
              .define(
                  SNAPSHOT_INTERVAL_MS,
                  Type.LONG,
                  0L,
                  ConfigDef.Range.atLeast(0),
                  Importance.MEDIUM,
                  "How often the service takes a snapshot of the latest state of each database of restorer.snapshot.databases (when segments were archived since its last one) and then applies retention; 0 turns the schedule off. One instance at a time works on a database (a lock in the archive).")
              .define(
                  SNAPSHOT_DATABASES,
                  Type.LIST,
                  "",
                  Importance.MEDIUM,
                  "Databases snapshotted on the schedule; empty: every database in the archive.")
              .define(
                  SNAPSHOT_WORK_DIR,
                  Type.STRING,
                  "",
                  Importance.LOW,
                  "Directory for the temporary state file of snapshot builds (scheduled and SNAPSHOT commands); empty: the system's temp directory.")
              .define(
                  RETENTION_KEEP_SNAPSHOTS,
                  Type.INT,
                  0,
                  ConfigDef.Range.atLeast(0),
                  Importance.MEDIUM,
                  "After each scheduled snapshot, keep the newest N snapshots of the database and expire the history before the oldest of them (as walstream retention --keep-snapshots N); 0: no retention by count.")
              .define(
                  RETENTION_KEEP_WINDOW_MS,
                  Type.LONG,
                  0L,
                  ConfigDef.Range.atLeast(0),
                  Importance.MEDIUM,
                  "After each scheduled snapshot, keep every point in time of this window and expire what lies before (as walstream retention --keep-window); 0: no retention by window. Set at most one of the two retention policies.")
              .define(
                  RETENTION_MIN_AGE_MS,
                  Type.LONG,
                  3_600_000L,
                  ConfigDef.Range.atLeast(0),
                  Importance.LOW,
                  "Retention deletes nothing written within this (its grace period)."),
          "command and status topics",
          1,
          9465);

  /** Parses {@code properties}; throws {@link InvalidConfigException} naming the bad key. */
  public static RestoreServiceConfig parse(Map<String, ?> properties) {
    AbstractConfig c;
    try {
      c = new AbstractConfig(DEFINITION, properties, false);
    } catch (ConfigException e) {
      throw new InvalidConfigException("Cannot configure restore service: " + e.getMessage(), e);
    }
    ArchiveUri.parse(c.getString(ARCHIVE_URI));
    Map<String, Object> clients = clientProperties(properties);
    if (!clients.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new InvalidConfigException(
          "Cannot configure restore service: bootstrap.servers is required");
    }
    List<Path> dirs =
        c.getList(SQLITE_ALLOWED_DIRS).stream()
            .filter(d -> !d.isBlank())
            .map(d -> Path.of(d.strip()))
            .toList();
    Password key = c.getPassword(SIGNATURE_KEY);
    return new RestoreServiceConfig(
        c.getString(ARCHIVE_URI),
        c.getString(COMMANDS_TOPIC),
        c.getString(STATUS_TOPIC),
        c.getString(GROUP_ID),
        c.getString(INSTANCE_ID),
        c.getInt(MAX_CONCURRENT_JOBS),
        c.getInt(PARALLELISM),
        c.getLong(PROGRESS_INTERVAL_MS),
        c.getLong(FOLLOW_POLL_INTERVAL_MS),
        dirs.isEmpty() ? List.of(Path.of(DEFAULT_SQLITE_DIR)) : dirs,
        nonBlank(c.getList(JDBC_ALLOWED_URL_PREFIXES)),
        nonBlank(c.getList(KAFKA_ALLOWED_TOPICS)),
        c.getBoolean(ALLOW_OVERWRITE),
        key == null || key.value().isEmpty() ? null : key.value(),
        c.getString(MANIFESTS_TOPIC),
        c.getBoolean(ANCHOR_CHECK),
        c.getLong(ANCHOR_TIMEOUT_MS),
        c.getBoolean(TOPICS_CREATE),
        c.getInt(TOPICS_PARTITIONS),
        c.getShort(TOPICS_REPLICATION_FACTOR),
        c.getInt(METRICS_PORT),
        maintenance(c),
        c.getString(ENCRYPTION_KEK),
        c.getString(SIGNING_PUBLIC_KEY),
        Map.copyOf(clients));
  }

  /** Every key that is not walstream's: the Kafka clients' settings. */
  private static Map<String, Object> clientProperties(Map<String, ?> properties) {
    Map<String, Object> clients = new HashMap<>();
    properties.forEach(
        (key, value) -> {
          if (!DEFINITION.names().contains(key)) {
            clients.put(key, value);
          }
        });
    return clients;
  }

  /** The entries of a list setting, stripped, the blank ones left out. */
  private static List<String> nonBlank(List<String> entries) {
    return entries.stream().map(String::strip).filter(e -> !e.isBlank()).toList();
  }

  private static MaintenanceSettings maintenance(AbstractConfig c) {
    return MaintenanceSettings.of(
        c.getLong(SNAPSHOT_INTERVAL_MS),
        c.getList(SNAPSHOT_DATABASES),
        c.getString(SNAPSHOT_WORK_DIR),
        c.getInt(RETENTION_KEEP_SNAPSHOTS),
        c.getLong(RETENTION_KEEP_WINDOW_MS),
        c.getLong(RETENTION_MIN_AGE_MS));
  }

  /** The bootstrap servers in use. */
  public String bootstrapServers() {
    return String.valueOf(clientProperties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
  }

  @Override
  public String toString() {
    // The signature key never reaches a log.
    return "RestoreServiceConfig[archive="
        + archiveUri
        + ", commands="
        + commandsTopic
        + ", status="
        + statusTopic
        + ", group="
        + groupId
        + ", maxConcurrentJobs="
        + maxConcurrentJobs
        + ", sqliteAllowedDirs="
        + sqliteAllowedDirs
        + ", jdbcAllowedUrlPrefixes="
        + jdbcAllowedUrlPrefixes
        + ", kafkaAllowedTopics="
        + kafkaAllowedTopics
        + ", allowOverwrite="
        + allowOverwrite
        + ", signed="
        + (signatureKey != null)
        + ", anchorCheck="
        + (anchorCheck ? manifestsTopic : "off")
        + ", maintenance="
        + (maintenance.scheduled()
            ? "every "
                + maintenance.interval()
                + (maintenance.policy() == null ? "" : ", " + maintenance.policy().describe())
            : "off")
        + "]";
  }

  /**
   * The ACLs the restore service needs on a cluster that authorizes (the README's table): its
   * commands read under its group, its status topic read (to take up jobs after a restart) and
   * written, and the manifests topic read for the anchor check and follow jobs. Restores into a
   * topic need more, per topic: {@code KafkaTopicSink.grants}.
   */
  public java.util.List<KafkaGrant> grants() {
    java.util.List<KafkaGrant> grants = new java.util.ArrayList<>();
    grants.add(KafkaGrant.topic(commandsTopic, AclOperation.READ, AclOperation.DESCRIBE));
    grants.add(
        KafkaGrant.topic(
            statusTopic, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE));
    grants.add(KafkaGrant.group(groupId, AclOperation.READ));
    grants.add(KafkaGrant.topic(manifestsTopic, AclOperation.READ, AclOperation.DESCRIBE));
    return java.util.List.copyOf(grants);
  }
}
