package io.walstream.cli.demo;

import io.walstream.archive.verify.ArchiveReport;
import io.walstream.schemas.value.Values;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The demo's closing report: what was archived, dead-lettered, restored and verified. */
final class DemoSummary {
  private final PrintStream out;
  private final DemoDirectory dir;

  DemoSummary(PrintStream out, DemoDirectory dir) {
    this.out = out;
    this.dir = dir;
  }

  void print(
      Map<String, Long> archived,
      Map<String, Long> deadLetters,
      List<DemoRestore.Outcome> restores,
      ArchiveReport verified,
      List<String> failures,
      double seconds) {
    long segments = verified.segments();
    long bytes = verified.bytes();
    long records = verified.records();
    out.println();
    out.println(
        failures.isEmpty()
            ? "walstream demo: everything verified."
            : "walstream demo: FAILED: " + String.join("; ", failures));
    out.println();
    out.printf(
        "Archived      %s records of %d databases in %d streams: %d segments, %.1f KiB%n",
        archived, archived.size(), verified.streams().size(), segments, bytes / 1024.0);
    out.printf(
        "Dead letters  %d on walstream.dlq, by reason %s%n",
        deadLetters.values().stream().mapToLong(Long::longValue).sum(), deadLetters);
    out.println("Restores      requested through walstream.restore.commands:");
    for (DemoRestore.Outcome r : restores) {
      var s = r.status();
      out.printf(
          "  %-22s lsn %s (%s), rows %s, %.1f s -> %s: %s%n",
          r.describe(),
          s.getRecoveredLsn(),
          s.getRecoveredTime() == null ? "-" : Values.formatTimestamp(s.getRecoveredTime()),
          s.getRowsPerTable() == null ? "-" : new TreeMap<>(s.getRowsPerTable()),
          s.getDurationMs() == null ? 0.0 : s.getDurationMs() / 1000.0,
          relative(r.output()),
          r.matches() ? "matches the expected state" : r.problem());
    }
    out.printf(
        "Verify        %s: %d streams, %d segments, %d records, every hash and chain link checked%n",
        verified.clean() ? "clean" : "FINDINGS", verified.streams().size(), segments, records);
    out.printf("Took %.1f s. Logs in %s%n", seconds, relative(dir.logs()));
    out.println();
    String archive = dir.archive().toUri().toString();
    out.println("Explore:");
    out.println("  ./walstream restore-points --archive " + archive);
    out.println(
        "  ./walstream restore --archive "
            + archive
            + " --database shop --to 2026-11-21T09:10:00Z --dry-run");
    DemoRestore.Outcome latest = restores.get(restores.size() - 1);
    out.println("  sqlite3 " + relative(latest.output()) + " .tables");
    out.println("  ./walstream verify --archive " + archive);
  }

  private static String relative(Path p) {
    Path cwd = Path.of("").toAbsolutePath();
    return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
  }
}
