package io.walstream.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The reliability report: each scenario appends one row to {@code target/reliability.md}, the table
 * docs/RELIABILITY.md shows.
 */
final class Report {
  static final Path FILE = Path.of("target", "reliability.md");

  private Report() {}

  /** Appends a row; {@code injected} says what was done to the system, e.g. "20 SIGKILLs". */
  static synchronized void row(
      String scenario,
      int runs,
      String injected,
      long records,
      long lost,
      long duplicated,
      String detected) {
    try {
      if (!Files.exists(FILE)) {
        Files.createDirectories(FILE.getParent());
        Files.writeString(
            FILE,
            "| scenario | runs | injected | records | lost | duplicated | detected / attempted |\n"
                + "|---|---:|---|---:|---:|---:|---|\n",
            StandardCharsets.UTF_8);
      }
      Files.writeString(
          FILE,
          String.format(
              "| %s | %d | %s | %d | %d | %d | %s |%n",
              scenario, runs, injected, records, lost, duplicated, detected),
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + FILE, e);
    }
  }

  /** How many times to repeat: the fast default, or more with -Dwalstream.soak=N (a factor). */
  static int soak(int fastDefault) {
    return fastDefault * Integer.getInteger("walstream.soak", 1);
  }
}
