package io.walstream.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time of another JVM's threads, grouped by what they do, from the JDK's {@code jstack} (each
 * thread's full name and {@code cpu=...ms}; Linux cuts the names in /proc to 15 characters, too few
 * to tell Kafka Streams' threads apart). Taking it stops the JVM at a safepoint for a moment: the
 * harness reads it twice a run.
 */
final class ThreadCpu {
  private static final Pattern THREAD = Pattern.compile("^\"(.*)\" .*cpu=([0-9.]+)ms");

  /** The groups, in the order charts show them. */
  static final List<String> GROUPS =
      List.of("stream thread", "cut / encode", "Kafka clients' I/O", "JIT compiler", "GC", "other");

  private ThreadCpu() {}

  /** CPU seconds by group, so far; empty groups when jstack cannot read the process. */
  static Map<String, Double> of(long pid) throws IOException, InterruptedException {
    Map<String, Double> seconds = new LinkedHashMap<>();
    GROUPS.forEach(g -> seconds.put(g, 0.0));
    Process jstack =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                Long.toString(pid))
            .redirectErrorStream(true)
            .start();
    try (var lines = jstack.inputReader()) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        Matcher m = THREAD.matcher(line);
        if (m.find()) {
          seconds.merge(group(m.group(1)), Double.parseDouble(m.group(2)) / 1e3, Double::sum);
        }
      }
    }
    jstack.waitFor();
    return seconds;
  }

  static String group(String name) {
    // Flink names its task threads after the operators chained in them.
    if (name.contains("StreamThread") || name.startsWith("Source: ") || name.contains(" -> ")) {
      return "stream thread";
    }
    if (name.startsWith("walstream-cut") || name.startsWith("walstream-segm")) {
      return "cut / encode";
    }
    if (name.startsWith("kafka-producer") || name.startsWith("kafka-coordin")) {
      return "Kafka clients' I/O";
    }
    if (name.contains("CompilerThre")) {
      return "JIT compiler";
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
      return "GC";
    }
    return "other";
  }

  /** {@code after - before}, by group. */
  static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
    Map<String, Double> d = new LinkedHashMap<>();
    after.forEach((g, v) -> d.put(g, v - before.getOrDefault(g, 0.0)));
    return d;
  }
}
