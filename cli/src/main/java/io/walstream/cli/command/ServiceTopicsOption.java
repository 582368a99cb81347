package io.walstream.cli.command;

import io.walstream.restorer.service.RestoreClient;
import picocli.CommandLine.Option;

/** Where the restore service listens: the broker and its command and status topics. */
final class ServiceTopicsOption {
  @Option(
      names = "--bootstrap-servers",
      required = true,
      description = "Kafka bootstrap servers, HOST:PORT[,...].")
  String bootstrapServers;

  @picocli.CommandLine.Mixin CommandConfigOption commandConfig;

  @Option(
      names = "--commands-topic",
      defaultValue = "walstream.restore.commands",
      description = "Command topic (default: ${DEFAULT-VALUE}).")
  String commandsTopic;

  @Option(
      names = "--status-topic",
      defaultValue = "walstream.restore.status",
      description = "Status topic (default: ${DEFAULT-VALUE}).")
  String statusTopic;

  @Option(
      names = "--kafka-timeout",
      defaultValue = "30s",
      description =
          "How long any one call to Kafka may wait for the broker, e.g. 10s (default:"
              + " ${DEFAULT-VALUE}); without a reachable broker the command fails after it.")
  String kafkaTimeout;

  /** A client whose every Kafka call is bounded by {@code --kafka-timeout}. */
  RestoreClient client(picocli.CommandLine cli) {
    return new RestoreClient(
        commandConfig.clientSettings(bootstrapServers),
        commandsTopic,
        statusTopic,
        Durations.parse(cli, "--kafka-timeout", kafkaTimeout));
  }
}
