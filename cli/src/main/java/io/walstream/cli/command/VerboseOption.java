package io.walstream.cli.command;

import picocli.CommandLine.Option;

/** {@code --verbose} of the commands that talk to Kafka or read an archive. */
final class VerboseOption {
  @Option(
      names = "--verbose",
      description =
          "Show Kafka client warnings and walstream's debug log (stack traces included) on"
              + " stderr.")
  void verbose(boolean on) {
    if (on) {
      Logging.verbose();
    }
  }
}
