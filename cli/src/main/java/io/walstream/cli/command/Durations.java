package io.walstream.cli.command;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Parses durations written as {@code 90s}, {@code 10m}, {@code 2h}, {@code 7d} or ISO-8601 {@code
 * PT10M}.
 */
final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /** The duration {@code text} of {@code option}; a usage error unless it is one and positive. */
  static Duration parse(CommandLine cli, String option, String text) {
    Duration d = parseAny(cli, option, text);
    if (d.isNegative() || d.isZero()) {
      throw new ParameterException(cli, option + " '" + text + "' must be longer than zero");
    }
    return d;
  }

  private static Duration parseAny(CommandLine cli, String option, String text) {
    Matcher m = SHORT.matcher(text.strip());
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new ParameterException(cli, option + " '" + text + "' is too long a duration");
      }
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw new ParameterException(
          cli, option + " '" + text + "' is not a duration (e.g. 90s, 10m, 2h, 7d or PT10M)");
    }
  }
}
