package io.walstream.ingest.topology;

import io.walstream.ingest.config.IngestConfig;
import io.walstream.ingest.debezium.DebeziumJson;
import io.walstream.ingest.metrics.IngestMetrics;
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
 * through the parsing stage, a one-partition stage between (so that all events of the source meet
 * in one task, whichever topic and partition they came from), the assembling stage with its store,
 * and out to the output topic as ChangeRecords keyed by database; both stages send what they cannot
 * use to the dead-letter topic.
 */
public final class IngestTopology {
  /** The assembler's store (changelogged). */
  public static final String STORE = "walstream-ingest-pending";

  private IngestTopology() {}

  public static Topology build(IngestConfig config, IngestMetrics metrics) {
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
            () -> new ParsingProcessor(parser(config, registry), transactions, metrics),
            Named.as("parse"));
    KStream<String, byte[]> staged =
        deadLetters(parsed, config, "parsed")
            .repartition(
                Repartitioned.<String, byte[]>as("staged")
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
