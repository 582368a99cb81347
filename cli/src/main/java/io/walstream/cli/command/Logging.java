package io.walstream.cli.command;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * The terminal's log levels. A command talking to Kafka keeps Kafka's client warnings (one per
 * failed connection attempt, every second) out of the terminal and says what failed in one line;
 * {@code --verbose} shows them, with walstream's debug log and the stack traces of expected
 * failures. The long-running services show Kafka's warnings: an operator needs them.
 */
public final class Logging {
  private Logging() {}

  /** For a service: Kafka client warnings on. */
  static void service() {
    level("org.apache.kafka", Level.WARN);
  }

  /** For {@code --verbose}: Kafka client warnings and walstream's debug log on. */
  static void verbose() {
    level("org.apache.kafka", Level.WARN);
    level("io.walstream", Level.DEBUG);
  }

  static void level(String logger, Level level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      Logger target = context.getLogger(logger);
      target.setLevel(level);
    }
  }
}
