package io.walstream.ingest.topology;

import io.walstream.ingest.config.IngestConfig;
import io.walstream.ingest.debezium.DebeziumJson;
import io.walstream.ingest.metrics.IngestMetrics;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.service.registry.SchemaRegistryClient;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The ingest topology: every Debezium topic the regex matches, and the transaction metadata topic,
 * through the parsing step and the assembling step with its store, and out to the output topic as
 * ChangeRecords keyed by database; both steps send what they cannot use to the dead-letter topic.
 *
 * <p>All events of a source must meet in one task. With {@link IngestConfig.Stages#TWO} a
 * one-partition topic between the steps brings them there, whichever topic and partition they came
 * from. With {@link IngestConfig.Stages#ONE} both steps run in the task that reads the inputs:
 * Kafka Streams gives partition 0 of every input topic to one task, so when each input has one
 * partition (as Debezium's PostgreSQL connector creates them) they meet without the round trip
 * through the broker, which costs a produce, a fetch and a commit of every event under
 * exactly-once. Both shapes keep the store under one name, so its changelog carries the waiting
 * transactions over when the ingest restarts in the other shape.
 */
public final class IngestTopology {
  /** The assembler's store (changelogged). */
  public static final String STORE = "walstream-ingest-pending";

  private static final String STAGE_BETWEEN = "staged";

  private IngestTopology() {}

  /** The topic between the two stages of {@link IngestConfig.Stages#TWO}. */
  public static String stageBetweenTopic(String applicationId) {
    return applicationId + "-" + STAGE_BETWEEN + "-repartition";
  }

  /**
   * The failure that stops the one-stage shape once an input has more than one partition ({@code
   * what} says how it showed): transient when {@code configured} is auto, which runs in two stages
   * after a restart; a configuration error when one stage was asked for. {@code cause} may be null.
   */
  public static WalstreamException notInOnePartition(
      IngestConfig.Stages configured, String what, Throwable cause) {
    String problem = what + ": one stage needs every input topic in one partition.";
    if (configured == IngestConfig.Stages.AUTO) {
      return new WalstreamException(
          ErrorKind.TRANSIENT,
          problem
              + " Restart the ingest: with "
              + IngestConfig.STAGES
              + "=auto it then runs in two stages; the transactions waiting carry over.",
          cause);
    }
    return new WalstreamException(
        ErrorKind.INVALID_CONFIG,
        problem
            + " Set "
            + IngestConfig.STAGES
            + "=two (or auto) and restart; the transactions waiting carry over.",
        cause);
  }

  /**
   * The topology in {@code shape} ({@link IngestConfig.Stages#ONE} or {@link
   * IngestConfig.Stages#TWO}, as {@link StageChoice} decided).
   */
  public static Topology build(
      IngestConfig config, IngestMetrics metrics, IngestConfig.Stages shape) {
    if (shape == IngestConfig.Stages.AUTO) {
      throw new IllegalArgumentException("The shape must be decided before the topology is built");
    }
    StreamsBuilder builder = new StreamsBuilder();
    StoreBuilder<KeyValueStore<String, byte[]>> store =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
            // Most keys are written and removed within one commit (an event waits for its END,
            // a counter moves): the cache sends the store and its changelog only the last value.
            .withCachingEnabled();
    builder.addStateStore(store);
    String transactions = config.transactionTopic();
    SchemaRegistryClient registry =
        config.format() == IngestConfig.Format.DEBEZIUM_AVRO
            ? new SchemaRegistryClient(config.schemaRegistryUrl(), config.schemaRegistryUserInfo())
            : null;
    KStream<byte[], byte[]> in =
        builder.stream(
            sources(config), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("in"));
    KStream<String, byte[]> parsed =
        in.process(
            // A parser per processor: it keeps the schemas it has seen, for its task alone.
            () ->
                new ParsingProcessor(
                    parser(config, registry),
                    transactions,
                    metrics,
                    new ParsingProcessor.OnePartition(shape, config.stages())),
            Named.as("parse"));
    KStream<String, byte[]> onward = deadLetters(parsed, config, "parsed");
    KStream<String, byte[]> staged =
        shape == IngestConfig.Stages.ONE
            ? onward
            : onward.repartition(
                Repartitioned.<String, byte[]>as(STAGE_BETWEEN)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(Serdes.ByteArray())
                    .withNumberOfPartitions(1));
    KStream<String, byte[]> assembled =
        staged.process(
            () -> new AssemblingProcessor(STORE, !transactions.isEmpty(), config.limits(), metrics),
            Named.as("assemble"),
            STORE);
    deadLetters(assembled, config, "assembled")
        .mapValues(Staged::body, Named.as("unwrap"))
        .to(
            config.outputTopic(),
            Produced.with(Serdes.String(), Serdes.ByteArray()).withName("out"));
    return builder.build();
  }

  private static DebeziumJson parser(IngestConfig config, SchemaRegistryClient registry) {
    return registry == null
        ? new DebeziumJson(config.database())
        : DebeziumJson.avro(config.database(), registry);
  }

  /** Sends dead letters on to the dead-letter topic; returns the rest. */
  private static KStream<String, byte[]> deadLetters(
      KStream<String, byte[]> stream, IngestConfig config, String stage) {
    var branches =
        stream
            .split(Named.as(stage + "-"))
            .branch(
                (key, value) -> Staged.dead(value),
                Branched.withConsumer(
                    dead ->
                        dead.mapValues(Staged::body, Named.as(stage + "-dead-body"))
                            .to(
                                config.dlqTopic(),
                                Produced.with(Serdes.String(), Serdes.ByteArray())
                                    .withName(stage + "-dead-sink")),
                    "dead"))
            .defaultBranch(Branched.as("on"));
    return branches.get(stage + "-on");
  }

  /** One pattern for all inputs: a topic may be matched by one source only. */
  private static Pattern sources(IngestConfig config) {
    String regex = "(" + config.topicsRegex() + ")";
    if (!config.transactionTopic().isEmpty()) {
      regex += "|" + Pattern.quote(config.transactionTopic());
    }
    return Pattern.compile(regex);
  }
}
