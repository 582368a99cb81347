package io.walstream.cli.command;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The settings of a long-running app on an archive ({@code archive}, {@code restorer}): file, then
 * flags.
 */
final class AppOptions {
  @Mixin KafkaAppOptions kafka;

  @Option(
      names = "--archive",
      description = "Archive URI: file:///path or s3://bucket/prefix?... .")
  String archive;

  /** The settings: --config, then --set, then --bootstrap-servers and --archive (as archiveKey). */
  Settings settings(String archiveKey) {
    return kafka.settings().put(archiveKey, archive);
  }
}
