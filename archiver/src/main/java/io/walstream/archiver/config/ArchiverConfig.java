package io.walstream.archiver.config;

import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archive.format.SegmentFormat;
import io.walstream.archive.retry.RetryPolicy;
import io.walstream.archive.store.ArchiveUri;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.service.kafka.KafkaGrant;
import io.walstream.service.kafka.ServiceKeys;
import io.walstream.service.registry.RegistryKeys;
import io.walstream.service.streams.KafkaKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The archiver's configuration: walstream's own keys declared with Kafka's {@link ConfigDef} (type,
 * default, validator, doc) and parsed once into this immutable record; every other key is passed
 * through to Kafka Streams and its clients.
 */
public record ArchiverConfig(
    String archiveUri,
    List<String> inputTopics,
    String manifestsTopic,
    String dlqTopic,
    int segmentMaxRecords,
    long segmentMaxBytes,
    Duration segmentMaxAge,
    int segmentCompressionLevel,
    RetryPolicy storageRetry,
    GapPolicy gapPolicy,
    boolean createTopics,
    int topicPartitions,
    short topicReplicationFactor,
    int metricsPort,
    String writerId,
    int duplicateLookbackSegments,
    String encryptionKek,
    String signingKey,
    InputFormat inputFormat,
    String schemaRegistryUrl,
    String schemaRegistryUserInfo,
    Map<String, Object> streamsProperties) {

  public static final String ARCHIVE_URI = "archive.uri";
  public static final String INPUT_TOPICS = "input.topics";
  public static final String MANIFESTS_TOPIC = "manifests.topic";
  public static final String DLQ_TOPIC = "dlq.topic";
  public static final String SEGMENT_MAX_RECORDS = "segment.max-records";
  public static final String SEGMENT_MAX_BYTES = "segment.max-bytes";
  public static final String SEGMENT_MAX_AGE_MS = "segment.max-age.ms";
  public static final String SEGMENT_COMPRESSION_LEVEL = "segment.compression.level";
  public static final String RETRY_MAX_ATTEMPTS = "storage.retry.max-attempts";
  public static final String RETRY_INITIAL_BACKOFF_MS = "storage.retry.initial-backoff.ms";
  public static final String RETRY_MAX_BACKOFF_MS = "storage.retry.max-backoff.ms";
  public static final String RETRY_MAX_ELAPSED_MS = "storage.retry.max-elapsed.ms";
  public static final String GAP_POLICY = "gap.policy";
  public static final String TOPICS_CREATE = ServiceKeys.TOPICS_CREATE;
  public static final String TOPICS_PARTITIONS = ServiceKeys.TOPICS_PARTITIONS;
  public static final String TOPICS_REPLICATION_FACTOR = ServiceKeys.TOPICS_REPLICATION_FACTOR;
  public static final String METRICS_PORT = ServiceKeys.METRICS_PORT;
  public static final String WRITER_ID = "writer.id";
  public static final String DUPLICATE_LOOKBACK_SEGMENTS = "duplicate.lookback-segments";
  public static final String ENCRYPTION_KEK = "archive.encryption.kek";
  public static final String SIGNING_KEY = "archive.signing.key";
  public static final String INPUT_FORMAT = "input.format";
  public static final String SCHEMA_REGISTRY_URL = RegistryKeys.URL;
  public static final String SCHEMA_REGISTRY_USER_INFO = RegistryKeys.USER_INFO;

  /** How input records are serialized. */
  public enum InputFormat {
    /** walstream's ChangeRecord in Avro single-object encoding. */
    WALSTREAM,
    /**
     * ChangeRecords in the Confluent Schema Registry wire format (KafkaAvroSerializer), writer
     * schemas read from {@code schema.registry.url}; single-object records are read too.
     */
    CONFLUENT_AVRO
  }

  /** The default application id (consumer group) of the archiver. */
  public static final String DEFAULT_APPLICATION_ID = "walstream-archiver";

  /** What to do when source offsets the archive needs are no longer in the topic. */
  public enum GapPolicy {
    /** Stop the task with an error naming the missing offsets. */
    FAIL,
    /** Record an explicit GAP manifest that verify and restore report, and continue. */
    MARK
  }

  /** Every walstream key, with its type, default, validator and documentation. */
  public static final ConfigDef DEFINITION =
      ServiceKeys.define(
          RegistryKeys.define(new ConfigDef(), "input.format=confluent-avro")
              .define(
                  ARCHIVE_URI,
                  Type.STRING,
                  ConfigDef.NO_DEFAULT_VALUE,
                  new ConfigDef.NonEmptyString(),
                  Importance.HIGH,
                  "Where the archive lives: file:///absolute/path or s3://bucket/prefix?endpoint=...&region=...&path-style=true.")
              .define(
                  INPUT_TOPICS,
                  Type.LIST,
                  List.of("walstream.changes"),
                  ArchiverConfig::requireTopics,
                  Importance.HIGH,
                  "Topics of change records to archive (Avro single-object encoded ChangeRecord, keyed by database).")
              .define(
                  MANIFESTS_TOPIC,
                  Type.STRING,
                  "walstream.manifests",
                  new ConfigDef.NonEmptyString(),
                  Importance.MEDIUM,
                  "Topic the archiver publishes every committed manifest to (an index for followers; the archive is the truth).")
              .define(
                  DLQ_TOPIC,
                  Type.STRING,
                  "walstream.dlq",
                  new ConfigDef.NonEmptyString(),
                  Importance.MEDIUM,
                  "Dead-letter topic for records that cannot be archived, with the reason in headers.")
              .define(
                  SEGMENT_MAX_RECORDS,
                  Type.INT,
                  100_000,
                  ConfigDef.Range.atLeast(1),
                  Importance.MEDIUM,
                  "Cut a partition's segments once this many records are buffered.")
              .define(
                  SEGMENT_MAX_BYTES,
                  Type.LONG,
                  16L * 1024 * 1024,
                  ConfigDef.Range.atLeast(1024),
                  Importance.MEDIUM,
                  "Cut a partition's segments once this many bytes of input are buffered. A partition holds about two segments in memory: the one filling and the one being committed in the background.")
              .define(
                  SEGMENT_MAX_AGE_MS,
                  Type.LONG,
                  10_000L,
                  ConfigDef.Range.atLeast(10),
                  Importance.MEDIUM,
                  "Cut a partition's segments once its oldest buffered record has waited this long (wall clock), even between commits.")
              .define(
                  SEGMENT_COMPRESSION_LEVEL,
                  Type.INT,
                  SegmentFormat.ZSTD_LEVEL,
                  ConfigDef.Range.between(
                      SegmentFormat.MIN_ZSTD_LEVEL, SegmentFormat.MAX_ZSTD_LEVEL),
                  Importance.LOW,
                  "zstd level segments are compressed at: negative levels are faster and store more bytes, higher levels the reverse (docs/BENCHMARKS.md measures both on change records). Restores read every level alike, so it can be changed at any time.")
              .define(
                  RETRY_MAX_ATTEMPTS,
                  Type.INT,
                  8,
                  ConfigDef.Range.atLeast(1),
                  Importance.LOW,
                  "Attempts of a storage call before a transient failure becomes a task failure.")
              .define(
                  RETRY_INITIAL_BACKOFF_MS,
                  Type.LONG,
                  100L,
                  ConfigDef.Range.atLeast(0),
                  Importance.LOW,
                  "Wait after the first failed storage attempt; doubles per attempt, with jitter.")
              .define(
                  RETRY_MAX_BACKOFF_MS,
                  Type.LONG,
                  2_000L,
                  ConfigDef.Range.atLeast(0),
                  Importance.LOW,
                  "Longest wait between storage attempts.")
              .define(
                  RETRY_MAX_ELAPSED_MS,
                  Type.LONG,
                  20_000L,
                  ConfigDef.Range.atLeast(0),
                  Importance.LOW,
                  "Longest time spent retrying one storage call. Must be under half of transaction.timeout.ms, because a cut at commit time blocks the commit.")
              .define(
                  GAP_POLICY,
                  Type.STRING,
                  "fail",
                  ValidString.in("fail", "mark"),
                  Importance.MEDIUM,
                  "When offsets the archive needs were removed from the topic: 'fail' stops with the exact offsets, 'mark' writes an explicit gap marker that verify and restore report.")
              .define(
                  WRITER_ID,
                  Type.STRING,
                  "",
                  Importance.LOW,
                  "Identity recorded in every manifest this instance writes; empty generates application-id/host/random.")
              .define(
                  DUPLICATE_LOOKBACK_SEGMENTS,
                  Type.INT,
                  16,
                  ConfigDef.Range.atLeast(0),
                  Importance.LOW,
                  "How many recent segments of a stream are read back to recognise a re-sent record as an exact duplicate.")
              .define(
                  ENCRYPTION_KEK,
                  Type.STRING,
                  "",
                  Importance.HIGH,
                  "Key-encryption key file (walstream keys create-kek) that opens the archive's keyset: every segment is then encrypted under the keyset's primary data key. Empty: plaintext, and the archiver refuses to start on an archive that has a keyset.")
              .define(
                  SIGNING_KEY,
                  Type.STRING,
                  "",
                  Importance.MEDIUM,
                  "Private signing key file (walstream keys create-signing-key): every manifest and catalog entry is signed (Ed25519), so verify --public-key refuses any a bucket writer without the key rewrote. Empty: not signed.")
              .define(
                  INPUT_FORMAT,
                  Type.STRING,
                  "walstream",
                  ConfigDef.ValidString.in("walstream", "confluent-avro"),
                  Importance.MEDIUM,
                  "How input records are serialized: walstream (ChangeRecord, Avro single-object encoding) or confluent-avro (ChangeRecords written by Confluent's KafkaAvroSerializer, in the Schema Registry wire format; needs schema.registry.url)."),
          "input, manifests and dead-letter topics",
          3,
          9464);

  private static InputFormat inputFormat(AbstractConfig c) {
    InputFormat format =
        InputFormat.valueOf(
            c.getString(INPUT_FORMAT).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    if (format == InputFormat.CONFLUENT_AVRO && c.getString(SCHEMA_REGISTRY_URL).isEmpty()) {
      throw new InvalidConfigException(
          "Cannot configure archiver: "
              + INPUT_FORMAT
              + "=confluent-avro needs "
              + SCHEMA_REGISTRY_URL);
    }
    return format;
  }

  private static void requireTopics(String name, Object value) {
    if (!(value instanceof List<?> topics) || topics.isEmpty()) {
      throw new ConfigException(name, value, "at least one topic is required");
    }
    for (Object topic : topics) {
      if (topic == null || topic.toString().isBlank()) {
        throw new ConfigException(name, value, "topic names must not be empty");
      }
    }
  }

  /** Parses {@code properties}; throws {@link InvalidConfigException} naming the bad key. */
  public static ArchiverConfig parse(Map<String, ?> properties) {
    AbstractConfig c;
    try {
      c = new AbstractConfig(DEFINITION, properties, false);
    } catch (ConfigException e) {
      throw new InvalidConfigException("Cannot configure archiver: " + e.getMessage(), e);
    }
    ArchiveUri.parse(c.getString(ARCHIVE_URI));
    Map<String, Object> streams = streamsProperties(properties);
    RetryPolicy retry =
        new RetryPolicy(
            c.getInt(RETRY_MAX_ATTEMPTS),
            Duration.ofMillis(c.getLong(RETRY_INITIAL_BACKOFF_MS)),
            Duration.ofMillis(
                Math.max(c.getLong(RETRY_MAX_BACKOFF_MS), c.getLong(RETRY_INITIAL_BACKOFF_MS))),
            Duration.ofMillis(c.getLong(RETRY_MAX_ELAPSED_MS)));
    requireCommitBound(retry, streams);
    return new ArchiverConfig(
        c.getString(ARCHIVE_URI),
        List.copyOf(c.getList(INPUT_TOPICS)),
        c.getString(MANIFESTS_TOPIC),
        c.getString(DLQ_TOPIC),
        c.getInt(SEGMENT_MAX_RECORDS),
        c.getLong(SEGMENT_MAX_BYTES),
        Duration.ofMillis(c.getLong(SEGMENT_MAX_AGE_MS)),
        c.getInt(SEGMENT_COMPRESSION_LEVEL),
        retry,
        GapPolicy.valueOf(c.getString(GAP_POLICY).toUpperCase(java.util.Locale.ROOT)),
        c.getBoolean(TOPICS_CREATE),
        c.getInt(TOPICS_PARTITIONS),
        c.getShort(TOPICS_REPLICATION_FACTOR),
        c.getInt(METRICS_PORT),
        c.getString(WRITER_ID),
        c.getInt(DUPLICATE_LOOKBACK_SEGMENTS),
        c.getString(ENCRYPTION_KEK),
        c.getString(SIGNING_KEY),
        inputFormat(c),
        c.getString(SCHEMA_REGISTRY_URL),
        RegistryKeys.userInfo(c),
        Map.copyOf(streams));
  }

  /**
   * The Kafka Streams properties: every key that is not walstream's, plus what exactly-once
   * archiving requires (exactly_once_v2, read_committed) and defaults that suit it.
   */
  private static Map<String, Object> streamsProperties(Map<String, ?> properties) {
    Map<String, Object> streams;
    try {
      streams = KafkaKeys.exactlyOnceStreams(properties, DEFINITION, "archiver");
    } catch (WalstreamException e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
    streams.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    streams.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    streams.putIfAbsent(
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 60_000);
    return streams;
  }

  private static void requireCommitBound(RetryPolicy retry, Map<String, Object> streams) {
    long transactionTimeout =
        Long.parseLong(
            String.valueOf(
                streams.getOrDefault(
                    StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                    streams.getOrDefault(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000))));
    long commitInterval =
        Long.parseLong(String.valueOf(streams.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)));
    if (commitInterval >= transactionTimeout) {
      throw new InvalidConfigException(
          "Cannot configure archiver: commit.interval.ms ("
              + commitInterval
              + ") must be under transaction.timeout.ms ("
              + transactionTimeout
              + "), or every transaction times out before it commits");
    }
    if (retry.maxElapsed().toMillis() * 2 >= transactionTimeout) {
      throw new InvalidConfigException(
          "Cannot configure archiver: "
              + RETRY_MAX_ELAPSED_MS
              + " ("
              + retry.maxElapsed().toMillis()
              + ") must be under half of transaction.timeout.ms ("
              + transactionTimeout
              + "), because archive writes at commit time block the transaction");
    }
  }

  /** The application id (consumer group) in use. */
  public String applicationId() {
    return String.valueOf(streamsProperties.get(StreamsConfig.APPLICATION_ID_CONFIG));
  }

  /** The bootstrap servers in use. */
  public String bootstrapServers() {
    return String.valueOf(streamsProperties.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
  }

  /**
   * The ACLs the archiver needs on a cluster that authorizes (the README's table): its input topics
   * read, the manifests and dead-letter topics written, its group and the transactional ids of
   * exactly_once_v2 under its application id. It keeps no state in Kafka, so it has no internal
   * topics. Topics it has to create also need CREATE.
   */
  public List<KafkaGrant> grants() {
    List<KafkaGrant> grants = new java.util.ArrayList<>();
    inputTopics.forEach(
        t -> grants.add(KafkaGrant.topic(t, AclOperation.READ, AclOperation.DESCRIBE)));
    grants.add(KafkaGrant.topic(manifestsTopic, AclOperation.WRITE, AclOperation.DESCRIBE));
    grants.add(KafkaGrant.topic(dlqTopic, AclOperation.WRITE, AclOperation.DESCRIBE));
    grants.add(KafkaGrant.group(applicationId(), AclOperation.READ));
    grants.add(
        KafkaGrant.transactionalIdPrefix(
            applicationId(), AclOperation.WRITE, AclOperation.DESCRIBE));
    return List.copyOf(grants);
  }

  /**
   * The settings without their secrets (Kafka credentials, the registry's user info), so that a
   * config printed in a log or a failure shows none.
   */
  @Override
  public String toString() {
    return "ArchiverConfig[archive="
        + archiveUri
        + ", inputs="
        + inputTopics
        + ", "
        + io.walstream.service.kafka.Secrets.shownSettings(
            streamsProperties, schemaRegistryUserInfo, schemaRegistryUrl)
        + "]";
  }
}
