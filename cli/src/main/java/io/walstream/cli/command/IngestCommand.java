package io.walstream.cli.command;

import io.walstream.ingest.app.IngestApp;
import io.walstream.ingest.config.IngestConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walstream ingest}: turns Debezium change events into ChangeRecords until stopped. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    header = "Turn Debezium change events into walstream change records until stopped.",
    description =
        "Reads Debezium change event topics (and its transaction metadata topic), reassembles "
            + "source transactions and publishes walstream ChangeRecords to the archiver's input "
            + "topic, until stopped (Ctrl-C or SIGTERM stops gracefully). See docs/DEBEZIUM.md.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly", "1:stopped by a failure (see the log)", "2:usage error"})
public final class IngestCommand implements Callable<Integer> {
  @Mixin KafkaAppOptions options;

  @Option(
      names = "--format",
      description =
          "Input serialization: debezium-json (the default) or debezium-avro (Confluent's"
              + " AvroConverter; set schema.registry.url).")
  String format;

  @Option(
      names = "--topics-regex",
      description = "Regular expression naming the Debezium change event topics.")
  String topicsRegex;

  @Option(
      names = "--transaction-topic",
      description =
          "Debezium's transaction metadata topic (provide.transaction.metadata=true); without it"
              + " every event is its own transaction.")
  String transactionTopic;

  @Option(
      names = "--database",
      description = "The walstream database name for every event (default: the event's source.db).")
  String database;

  @Option(
      names = "--output-topic",
      description = "Topic the change records go to (default walstream.changes).")
  String outputTopic;

  @Override
  public Integer call() throws InterruptedException {
    Logging.service();
    Settings settings =
        options
            .settings()
            .put(IngestConfig.FORMAT, format)
            .put(IngestConfig.TOPICS_REGEX, topicsRegex)
            .put(IngestConfig.TRANSACTION_TOPIC, transactionTopic)
            .put(IngestConfig.DATABASE, database)
            .put(IngestConfig.OUTPUT_TOPIC, outputTopic);
    IngestConfig parsed = IngestConfig.parse(settings.map());
    IngestApp app = IngestApp.start(parsed);
    Thread stopper = new Thread(() -> app.close(Duration.ofSeconds(60)), "walstream-ingest-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    System.out.printf(
        "Ingesting topics matching '%s' from %s into %s%s%n",
        parsed.topicsRegex(),
        parsed.bootstrapServers(),
        parsed.outputTopic(),
        app.metricsPort() > 0
            ? " (metrics: http://localhost:" + app.metricsPort() + "/metrics)"
            : "");
    KafkaStreams.State state = app.awaitTermination();
    if (state == KafkaStreams.State.ERROR || app.failure() != null) {
      Throwable failure = app.failure();
      System.err.println(
          "walstream ingest: stopped: "
              + (failure == null ? "Kafka Streams ended in state " + state : failure.getMessage()));
      app.close(Duration.ofSeconds(30));
      return failure == null ? ExitCode.FAILURE.code() : ExitCode.of(failure).code();
    }
    return ExitCode.SUCCESS.code();
  }
}
