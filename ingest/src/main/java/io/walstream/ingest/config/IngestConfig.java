package io.walstream.ingest.config;

import io.walstream.ingest.assemble.AssemblerLimits;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.service.kafka.KafkaGrant;
import io.walstream.service.kafka.ServiceKeys;
import io.walstream.service.registry.RegistryKeys;
import io.walstream.service.streams.KafkaKeys;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The ingest's configuration: walstream's own keys declared with Kafka's {@link ConfigDef} and
 * parsed once into this record; every other key goes to Kafka Streams and its clients, as for the
 * archiver.
 */
public record IngestConfig(
    Format format,
    String topicsRegex,
    String transactionTopic,
    String database,
    String outputTopic,
    String dlqTopic,
    Stages stages,
    AssemblerLimits limits,
    String schemaRegistryUrl,
    String schemaRegistryUserInfo,
    boolean createTopics,
    int topicPartitions,
    short topicReplicationFactor,
    int metricsPort,
    Map<String, Object> streamsProperties) {

  public static final String FORMAT = "ingest.format";
  public static final String TOPICS_REGEX = "ingest.topics.regex";
  public static final String TRANSACTION_TOPIC = "ingest.transaction.topic";
  public static final String DATABASE = "ingest.database";
  public static final String OUTPUT_TOPIC = "ingest.output.topic";
  public static final String DLQ_TOPIC = "ingest.dlq.topic";
  public static final String TRANSACTION_TIMEOUT_MS = "ingest.transaction.timeout.ms";
  public static final String SNAPSHOT_TIMEOUT_MS = "ingest.snapshot.timeout.ms";
  public static final String RELEASED_MEMORY = "ingest.released-memory";
  public static final String STAGES = "ingest.stages";
  public static final String SCHEMA_REGISTRY_URL = RegistryKeys.URL;
  public static final String SCHEMA_REGISTRY_USER_INFO = RegistryKeys.USER_INFO;

  /** The default application id (consumer group) of the ingest. */
  public static final String DEFAULT_APPLICATION_ID = "walstream-ingest";

  /** How the input events are serialized. */
  public enum Format {
    /** Debezium events written by Kafka Connect's JsonConverter, with or without schemas. */
    DEBEZIUM_JSON,
    /** Debezium events written by Confluent's AvroConverter (Schema Registry wire format). */
    DEBEZIUM_AVRO;

    /** The name on the command line and in config files. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** How the events of a source are brought into the one task that assembles them. */
  public enum Stages {
    /** {@link #ONE} when every input topic has one partition and nothing waits between stages. */
    AUTO,
    /** One stage: inputs are read where they are assembled; each input must have one partition. */
    ONE,
    /** Two stages with a one-partition topic between: inputs may have any number of partitions. */
    TWO;

    /** The name on the command line and in config files. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Every walstream key of the ingest, with its type, default, validator and documentation. */
  public static final ConfigDef DEFINITION =
      ServiceKeys.define(
          RegistryKeys.define(new ConfigDef(), "ingest.format=debezium-avro")
              .define(
                  FORMAT,
                  Type.STRING,
                  "debezium-json",
                  ConfigDef.ValidString.in("debezium-json", "debezium-avro"),
                  Importance.HIGH,
                  "How the input events are serialized: debezium-json (Kafka Connect's"
                      + " JsonConverter, with or without schemas) or debezium-avro (Confluent's"
                      + " AvroConverter; needs schema.registry.url).")
              .define(
                  TOPICS_REGEX,
                  Type.STRING,
                  ConfigDef.NO_DEFAULT_VALUE,
                  new ConfigDef.NonEmptyString(),
                  Importance.HIGH,
                  "Regular expression naming the Debezium change event topics to read (for"
                      + " topic.prefix pg: pg\\.public\\..*).")
              .define(
                  TRANSACTION_TOPIC,
                  Type.STRING,
                  "",
                  Importance.HIGH,
                  "Debezium's transaction metadata topic (provide.transaction.metadata=true, e.g."
                      + " pg.transaction): source transactions become walstream transactions at"
                      + " their commit LSN. Empty: every event is its own transaction at its"
                      + " source.lsn.")
              .define(
                  DATABASE,
                  Type.STRING,
                  "",
                  Importance.MEDIUM,
                  "The walstream database name for every event; empty uses each event's"
                      + " source.db.")
              .define(
                  OUTPUT_TOPIC,
                  Type.STRING,
                  "walstream.changes",
                  new ConfigDef.NonEmptyString(),
                  Importance.MEDIUM,
                  "Topic the ChangeRecords go to (the archiver's input topic).")
              .define(
                  DLQ_TOPIC,
                  Type.STRING,
                  "walstream.ingest.dlq",
                  new ConfigDef.NonEmptyString(),
                  Importance.MEDIUM,
                  "Dead-letter topic for events that cannot be mapped or whose transaction never"
                      + " completes, with the reason and the transaction id in headers.")
              .define(
                  TRANSACTION_TIMEOUT_MS,
                  Type.LONG,
                  300_000L,
                  ConfigDef.Range.atLeast(1),
                  Importance.MEDIUM,
                  "How long a source transaction may wait for its END and its counted events"
                      + " before its events go to the dead-letter topic.")
              .define(
                  SNAPSHOT_TIMEOUT_MS,
                  Type.LONG,
                  3_600_000L,
                  ConfigDef.Range.atLeast(1),
                  Importance.MEDIUM,
                  "How long an initial snapshot may go without a new row before its rows go to"
                      + " the dead-letter topic; a snapshot may take hours and waits as long as"
                      + " rows keep coming.")
              .define(
                  RELEASED_MEMORY,
                  Type.INT,
                  100_000,
                  ConfigDef.Range.atLeast(1),
                  Importance.LOW,
                  "Released transactions remembered, so that events the connector sends again"
                      + " after a restart are released again identically (and skipped by the"
                      + " archiver as duplicates).")
              .define(
                  STAGES,
                  Type.STRING,
                  "auto",
                  ConfigDef.ValidString.in("auto", "one", "two"),
                  Importance.LOW,
                  "How the events of a source meet in the one task that assembles them: one"
                      + " (read where they are assembled; every input topic must have one"
                      + " partition, as Debezium's PostgreSQL connector creates them), two (parsed,"
                      + " then sent through a one-partition topic between the stages; any"
                      + " partitions), auto (one when every input topic has one partition and the"
                      + " topic between holds nothing unread, else two)."),
          "output and dead-letter topics",
          1,
          9467);

  /** Parses {@code properties}; throws an INVALID_CONFIG error naming the bad key. */
  public static IngestConfig parse(Map<String, ?> properties) {
    AbstractConfig c;
    try {
      c = new AbstractConfig(DEFINITION, properties, false);
    } catch (ConfigException e) {
      throw invalid(e.getMessage(), e);
    }
    Map<String, Object> streams = KafkaKeys.exactlyOnceStreams(properties, DEFINITION, "ingest");
    streams.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    streams.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    IngestConfig config =
        new IngestConfig(
            Format.valueOf(c.getString(FORMAT).toUpperCase(Locale.ROOT).replace('-', '_')),
            c.getString(TOPICS_REGEX),
            c.getString(TRANSACTION_TOPIC),
            c.getString(DATABASE),
            c.getString(OUTPUT_TOPIC),
            c.getString(DLQ_TOPIC),
            Stages.valueOf(c.getString(STAGES).toUpperCase(Locale.ROOT)),
            new AssemblerLimits(
                Duration.ofMillis(c.getLong(TRANSACTION_TIMEOUT_MS)),
                Duration.ofMillis(c.getLong(SNAPSHOT_TIMEOUT_MS)),
                c.getInt(RELEASED_MEMORY)),
            c.getString(SCHEMA_REGISTRY_URL),
            RegistryKeys.userInfo(c),
            c.getBoolean(ServiceKeys.TOPICS_CREATE),
            c.getInt(ServiceKeys.TOPICS_PARTITIONS),
            c.getShort(ServiceKeys.TOPICS_REPLICATION_FACTOR),
            c.getInt(ServiceKeys.METRICS_PORT),
            Map.copyOf(streams));
    config.requireDisjointTopics();
    if (config.format() == Format.DEBEZIUM_AVRO && config.schemaRegistryUrl().isEmpty()) {
      throw invalid(FORMAT + "=debezium-avro needs " + SCHEMA_REGISTRY_URL, null);
    }
    return config;
  }

  /** The regex must not match what the ingest writes, or it would read its own output. */
  private void requireDisjointTopics() {
    Pattern pattern;
    try {
      pattern = Pattern.compile(topicsRegex);
    } catch (PatternSyntaxException e) {
      throw invalid(TOPICS_REGEX + " is not a regular expression: " + e.getMessage(), e);
    }
    for (String own : new String[] {outputTopic, dlqTopic}) {
      if (pattern.matcher(own).matches()) {
        throw invalid(
            TOPICS_REGEX + " '" + topicsRegex + "' matches the ingest's own topic " + own, null);
      }
    }
  }

  private static WalstreamException invalid(String message, Throwable cause) {
    return new WalstreamException(
        ErrorKind.INVALID_CONFIG, "Cannot configure ingest: " + message, cause);
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
   * The ACLs the ingest needs on a cluster that authorizes (the README's table): the Debezium
   * topics read (a prefix: the literal start of {@code ingest.topics.regex}), the transaction topic
   * read, the output and dead-letter topics written, its internal topics (the stage between and the
   * store's changelog, named after the application id) managed, its group and the transactional ids
   * of exactly_once_v2.
   */
  public java.util.List<KafkaGrant> grants() {
    java.util.List<KafkaGrant> grants = new java.util.ArrayList<>();
    grants.add(
        KafkaGrant.topicPrefix(
            literalPrefix(topicsRegex), AclOperation.READ, AclOperation.DESCRIBE));
    if (!transactionTopic.isEmpty()) {
      grants.add(KafkaGrant.topic(transactionTopic, AclOperation.READ, AclOperation.DESCRIBE));
    }
    grants.add(KafkaGrant.topic(outputTopic, AclOperation.WRITE, AclOperation.DESCRIBE));
    grants.add(KafkaGrant.topic(dlqTopic, AclOperation.WRITE, AclOperation.DESCRIBE));
    grants.add(
        KafkaGrant.topicPrefix(
            applicationId() + "-",
            AclOperation.CREATE,
            AclOperation.READ,
            AclOperation.WRITE,
            AclOperation.DELETE,
            AclOperation.DESCRIBE,
            AclOperation.DESCRIBE_CONFIGS));
    grants.add(KafkaGrant.group(applicationId(), AclOperation.READ));
    grants.add(
        KafkaGrant.transactionalIdPrefix(
            applicationId(), AclOperation.WRITE, AclOperation.DESCRIBE));
    return java.util.List.copyOf(grants);
  }

  /**
   * The part of a regular expression before its first special character: {@code pg\\.public\\.}.
   */
  static String literalPrefix(String regex) {
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\' && i + 1 < regex.length() && !Character.isLetterOrDigit(regex.charAt(i + 1))) {
        prefix.append(regex.charAt(++i));
      } else if (".[]{}()*+?^$|\\".indexOf(c) >= 0) {
        break;
      } else {
        prefix.append(c);
      }
    }
    return prefix.toString();
  }

  /**
   * The settings without their secrets (Kafka credentials, the registry's user info), so that a
   * config printed in a log or a failure shows none.
   */
  @Override
  public String toString() {
    return "IngestConfig[topics="
        + topicsRegex
        + ", output="
        + outputTopic
        + ", "
        + io.walstream.service.kafka.Secrets.shownSettings(
            streamsProperties, schemaRegistryUserInfo, schemaRegistryUrl)
        + "]";
  }
}
