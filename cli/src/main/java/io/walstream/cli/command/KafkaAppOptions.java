package io.walstream.cli.command;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The settings every long-running app takes: a properties file, then flags. */
final class KafkaAppOptions {
  @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers, HOST:PORT[,...].")
  String bootstrapServers;

  @Option(names = "--config", description = "Properties file with walstream and Kafka settings.")
  Path config;

  @Option(
      names = "--set",
      description = "Any setting as KEY=VALUE (repeatable); overrides --config.")
  Map<String, String> overrides;

  /** The settings: --config, then --set, then --bootstrap-servers. */
  Settings settings() {
    return Settings.from(config).putAll(overrides).put("bootstrap.servers", bootstrapServers);
  }
}
