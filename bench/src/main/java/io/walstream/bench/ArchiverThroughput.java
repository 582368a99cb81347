package io.walstream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The archiver draining the preloaded topic in its own JVM, against the raw consumer and the
 * counting Kafka Streams app measured on the same topic in the same run.
 */
final class ArchiverThroughput {
  private static final String APP = "bench-throughput";

  private ArchiverThroughput() {}

  /**
   * What the archiver is compared with: the input, the two drains measured before it, the counting
   * app in its own JVM, and the CPU seconds a record of zstd and SHA-256 over the same bytes.
   */
  record Baseline(
      int records,
      long inputBytes,
      ArchiverBench.Drain raw,
      double streamsSeconds,
      CountingApp.Measured counting,
      double unavoidableCpuPerRecord) {}

  /**
   * One archiver run: wall seconds from its first record in to its last archived, the steady-state
   * rate (the last two thirds of the input), process CPU seconds meanwhile and CPU seconds a record
   * over the last two thirds, and (seconds since start, records taken in) each time another tenth
   * of the input was in.
   */
  record Run(
      double seconds,
      double steadyRate,
      double cpuSeconds,
      double steadyCpuPerRecord,
      List<double[]> tenths,
      java.util.Map<String, Double> steadyThreadCpu) {}

  /** The archiver's run and the segment bytes it stored. */
  record Result(Run run, double storedBytes) {}

  static Result measure(EmbeddedKafka kafka, Path jar, Path work, String topic, Baseline base)
      throws Exception {
    Path dir = Files.createDirectories(work.resolve("throughput"));
    List<String> args =
        ArchiverBench.archiverArgs(kafka.bootstrapServers(), dir.resolve("archive"), topic, APP);
    try (ArchiverProcessHandle archiver = new ArchiverProcessHandle(jar, dir, "256m", args)) {
      archiver.awaitStarted();
      Run run = sample(archiver, base.records());
      reportCpu(base, run);
      reportRates(kafka, archiver, base, run);
      reportRatios(base, run);
      reportEfficiency(base, run);
      System.out.printf(
          "| max heap after GC under -Xmx256m | %d MiB | steady |%n", archiver.maxHeapAfterGcMiB());
      System.out.println("where the stream thread's time went:");
      archiver
          .metricLines(
              "(cut_latency|commit_wait)_seconds_(sum|count)|stream_thread_(poll|process|commit|punctuate)_ratio")
          .forEach(line -> System.out.println("  " + line));
      return new Result(run, archiver.counter("walstream_archiver_segment_bytes_written_total"));
    }
  }

  static Run sample(ArchiverProcessHandle archiver, int records) throws Exception {
    long start = 0;
    Duration cpuAtStart = Duration.ZERO;
    // The steady state starts once a third of the input was taken in: by then the fresh JVM's
    // compiler, which takes a third of the CPU of the first seconds on 2 cores, has settled.
    long steadyStart = 0;
    double steadyIn = 0;
    Duration cpuAtSteady = Duration.ZERO;
    java.util.Map<String, Double> threadsAtSteady = java.util.Map.of();
    List<double[]> tenths = new ArrayList<>();
    while (archiver.counter("walstream_archiver_records_archived_total") < records) {
      double in = archiver.counter("walstream_archiver_records_in_total");
      if (start == 0 && in > 0) {
        start = System.nanoTime();
        cpuAtStart = archiver.cpu();
      }
      if (steadyStart == 0 && in >= records / 3.0) {
        steadyStart = System.nanoTime();
        steadyIn = in;
        cpuAtSteady = archiver.cpu();
        threadsAtSteady = ThreadCpu.of(archiver.pid());
      }
      if (start != 0 && in >= (tenths.size() + 1) * records / 10.0) {
        tenths.add(new double[] {(System.nanoTime() - start) / 1e9, in});
      }
      // A scrape renders every Kafka metric too: poll gently, so that measuring costs little,
      // except at the start and near the end, whose times are measured.
      Thread.sleep(start == 0 || in >= records * 0.97 ? 20 : 250);
    }
    long end = System.nanoTime();
    Duration cpuAtEnd = archiver.cpu();
    java.util.Map<String, Double> threadsAtEnd = ThreadCpu.of(archiver.pid());
    return new Run(
        (end - start) / 1e9,
        (records - steadyIn) / ((end - steadyStart) / 1e9),
        cpuAtEnd.minus(cpuAtStart).toMillis() / 1e3,
        cpuAtEnd.minus(cpuAtSteady).toMillis() / 1e3 / (records - steadyIn),
        tenths,
        ThreadCpu.minus(threadsAtEnd, threadsAtSteady));
  }

  private static void reportCpu(Baseline base, Run run) {
    System.out.printf(
        "archiver CPU: %.1f s over %.1f s of wall time (%.0f%% of one core)%n",
        run.cpuSeconds(), run.seconds(), 100 * run.cpuSeconds() / run.seconds());
    double archiverCpu = run.cpuSeconds() / base.records();
    double rawCpu = base.raw().cpuSeconds() / base.records();
    System.out.printf(
        "CPU a record: archiver %.2f µs (its process, whole run), raw consumer %.2f µs (%.1f ×);"
            + " at 0.7 × the raw consumer's rate the archiver would need %.1f cores%n",
        archiverCpu * 1e6,
        rawCpu * 1e6,
        archiverCpu / rawCpu,
        0.7 * (base.records() / base.raw().seconds()) * archiverCpu);
  }

  private static void reportRates(
      EmbeddedKafka kafka, ArchiverProcessHandle archiver, Baseline base, Run run)
      throws Exception {
    double segments = archiver.counter("walstream_archiver_segments_written_total");
    double stored = archiver.counter("walstream_archiver_segment_bytes_written_total");
    System.out.printf(
        "archiver: %.0f records/s, %.1f MB/s, %.0f segments, %.1f MB stored (%.1f%% of the"
            + " input)%n",
        base.records() / run.seconds(),
        base.inputBytes() / 1e6 / run.seconds(),
        segments,
        stored / 1e6,
        100 * stored / base.inputBytes());
    StringBuilder timeline = new StringBuilder("archiver records/s taken in, by tenth of input:");
    double[] previous = {0, 0};
    for (double[] tenth : run.tenths()) {
      timeline.append(
          String.format(" %.0fk", (tenth[1] - previous[1]) / (tenth[0] - previous[0]) / 1e3));
      previous = tenth;
    }
    System.out.println(timeline);
    System.out.printf(
        "archiver, steady state (last two thirds): %.0f records/s, %.1f MB/s%n",
        run.steadyRate(), run.steadyRate() * base.inputBytes() / base.records() / 1e6);
    long written =
        ArchiverBench.topicBytes(kafka.bootstrapServers(), APP + ".manifests")
            + ArchiverBench.topicBytes(kafka.bootstrapServers(), APP + ".dlq");
    System.out.printf(
        "| write amplification (bytes to Kafka ÷ input bytes) | %.5f | goal ≤ 0.02 |%n",
        (double) written / base.inputBytes());
  }

  private static void reportRatios(Baseline base, Run run) {
    double rawSeconds = base.raw().seconds();
    System.out.printf(
        "| throughput ratio archiver ÷ raw consumer, whole run (cold JVM) | %.2f | |%n",
        rawSeconds / run.seconds());
    System.out.printf(
        "| throughput ratio archiver ÷ raw consumer, steady state | %.2f | goal ≥ 0.70 |%n",
        run.steadyRate() * rawSeconds / base.records());
    System.out.printf(
        "| throughput ratio archiver ÷ counting Kafka Streams app, steady state | %.2f | |%n",
        run.steadyRate() * base.streamsSeconds() / base.records());
  }

  /**
   * E: the archiver's process CPU a record in the steady state against the least the work needs,
   * the counting app's (its own JVM, steady state) plus zstd and SHA-256 over the same bytes.
   */
  private static void reportEfficiency(Baseline base, Run run) {
    double archiver = run.steadyCpuPerRecord();
    double counting = base.counting().steadyCpuPerRecord();
    double unavoidable = base.unavoidableCpuPerRecord();
    System.out.printf(
        "steady-state CPU a record: archiver %.2f µs (its process); counting app %.2f µs (its"
            + " process, %.0f records/s) + zstd and SHA-256 %.2f µs = %.2f µs%n",
        archiver * 1e6,
        counting * 1e6,
        base.counting().steadyRate(),
        unavoidable * 1e6,
        (counting + unavoidable) * 1e6);
    System.out.printf(
        "| efficiency E = archiver CPU ÷ (counting app + zstd + SHA-256), steady state | %.2f |"
            + " goal ≤ 1.25 |%n",
        archiver / (counting + unavoidable));
    System.out.printf(
        "| cold start: whole-run rate ÷ steady-state rate | %.2f | goal ≥ 0.90 |%n",
        base.records() / run.seconds() / run.steadyRate());
  }
}
