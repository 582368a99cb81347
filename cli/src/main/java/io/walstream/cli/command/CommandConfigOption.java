package io.walstream.cli.command;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --command-config FILE}: Kafka client settings for the one-shot commands. */
final class CommandConfigOption {
  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      description =
          "Properties file of Kafka client settings (security.protocol, sasl.*, ssl.*), as"
              + " Kafka's own tools take it; keeps secrets off the command line.")
  Path file;

  /** The file's settings, with {@code bootstrap.servers} set to {@code bootstrapServers}. */
  Map<String, Object> clientSettings(String bootstrapServers) {
    return Settings.from(file).put("bootstrap.servers", bootstrapServers).map();
  }

  /** The file's settings alone (none without the option). */
  Map<String, Object> settings() {
    return Settings.from(file).map();
  }
}
