package io.walstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a JVM's {@code -Xlog:gc} file. */
final class GcLog {
  private static final Pattern AFTER_GC = Pattern.compile("Pause.*?(\\d+)M->(\\d+)M\\(\\d+M\\)");

  private GcLog() {}

  /** The largest heap occupancy right after a GC, in MiB. */
  static long maxHeapAfterGcMiB(Path gcLog) throws IOException {
    long max = 0;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = AFTER_GC.matcher(line);
      if (m.find()) {
        max = Math.max(max, Long.parseLong(m.group(2)));
      }
    }
    return max;
  }
}
