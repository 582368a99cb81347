package io.walstream.cli.command;

import io.walstream.archive.verify.Anchor;
import io.walstream.restorer.verify.Anchoring;
import io.walstream.restorer.verify.PublishedManifests;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options that check an archive against the manifests topic (its anchors): shared by {@code
 * verify} and {@code restore}.
 */
final class AnchorOptions {
  @Option(
      names = "--bootstrap-servers",
      description =
          "Kafka bootstrap servers, HOST:PORT[,...]: check the archive against the newest manifests"
              + " the archiver published to the manifests topic (catches an archive rolled back"
              + " to an older copy, which the chain alone cannot show).")
  String bootstrapServers;

  @picocli.CommandLine.Mixin CommandConfigOption commandConfig;

  @Option(
      names = "--manifests-topic",
      defaultValue = "walstream.manifests",
      description = "The archiver's manifests topic (default: ${DEFAULT-VALUE}).")
  String manifestsTopic;

  @Option(
      names = "--kafka-timeout",
      defaultValue = "60s",
      description =
          "How long reading the manifests topic to its end may take, e.g. 30s or PT1M (default:"
              + " ${DEFAULT-VALUE}).")
  String kafkaTimeout;

  /** Whether a manifests topic was named. */
  boolean given() {
    return bootstrapServers != null;
  }

  /** What every Kafka client of the command is given. */
  Map<String, Object> clientConfig() {
    return commandConfig.clientSettings(bootstrapServers);
  }

  /** The timeout, parsed first so that a typo does not cost a whole verification. */
  Duration timeout(CommandLine cli) {
    return Durations.parse(cli, "--kafka-timeout", kafkaTimeout);
  }

  /** The newest published manifest of every stream, read to the topic's end. */
  Collection<Anchor> read(Duration timeout) {
    return PublishedManifests.read(clientConfig(), manifestsTopic, timeout);
  }

  /** A watch of the manifests topic for {@code database}'s new manifests (given() only). */
  io.walstream.restorer.follow.ManifestWatch watch(CommandLine cli, String database) {
    return new io.walstream.restorer.follow.ManifestWatch(
        clientConfig(), manifestsTopic, database, timeout(cli));
  }

  /** How a restore checks its anchors: against the topic when given, else skipped, saying why. */
  Anchoring anchoring(CommandLine cli, String skippedBecause) {
    if (!given()) {
      return new Anchoring.Skipped(skippedBecause);
    }
    return new Anchoring.Published(read(timeout(cli)), manifestsTopic);
  }
}
