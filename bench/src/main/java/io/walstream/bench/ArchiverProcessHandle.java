package io.walstream.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code walstream archive} in its own JVM (so that its heap is its own), observed through its
 * metrics endpoint and its GC log.
 */
final class ArchiverProcessHandle implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("localhost:(\\d+)/metrics");

  private final Process process;
  private final Path log;
  private final Path gcLog;
  private final HttpClient http = HttpClient.newHttpClient();
  private URI metrics;

  ArchiverProcessHandle(Path jar, Path workDir, String heap, List<String> args) throws IOException {
    this.log = workDir.resolve("archiver.log");
    this.gcLog = workDir.resolve("gc.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-Xlog:gc:file=" + gcLog);
    // Extra JVM options for the archiver, e.g. a flight recording: -Dbench.archiver.jvm="-XX:..."
    String extra = System.getProperty("bench.archiver.jvm", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.add("-jar");
    command.add(jar.toString());
    command.add("archive");
    command.addAll(args);
    process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits for the metrics endpoint to be announced. */
  void awaitStarted() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (metrics == null) {
      Matcher m = PORT.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        metrics = URI.create("http://localhost:" + m.group(1) + "/metrics");
      } else if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("archiver did not start:\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
  }

  /** The value of a counter on the metrics endpoint (0 when absent). */
  double counter(String name) throws IOException, InterruptedException {
    String body =
        http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : body.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    return 0;
  }

  /** The archiver's process id. */
  long pid() {
    return process.pid();
  }

  /** CPU time the archiver process has used so far. */
  java.time.Duration cpu() {
    return process.info().totalCpuDuration().orElse(java.time.Duration.ZERO);
  }

  /** Metric lines whose name matches {@code pattern}, for diagnostics. */
  List<String> metricLines(String pattern) throws IOException, InterruptedException {
    String body =
        http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    Pattern p = Pattern.compile(pattern);
    return body.lines().filter(l -> !l.startsWith("#") && p.matcher(l).find()).toList();
  }

  /** The largest heap occupancy right after a GC, in MiB, from the GC log. */
  long maxHeapAfterGcMiB() throws IOException {
    return GcLog.maxHeapAfterGcMiB(gcLog);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
