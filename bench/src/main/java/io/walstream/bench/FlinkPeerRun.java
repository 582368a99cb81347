package io.walstream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code FlinkPeer} in a JVM of its own on the bench's Flink classpath ({@code
 * target/flink-classpath.txt}, which the harness's own classpath leaves out) and reads what it
 * prints. Names the peer by string: this JVM has no Flink classes to load it with.
 */
final class FlinkPeerRun {
  /** The peer's heap: what a local mini-cluster with one slot runs in without tuning. */
  static final String HEAP = "1g";

  private static final String PEER = "io.walstream.bench.FlinkPeer";

  // Flink 2 on Java 17 reflects into these (Flink's own launcher passes the same).
  private static final List<String> OPENS =
      List.of(
          "java.base/java.lang",
          "java.base/java.lang.reflect",
          "java.base/java.lang.invoke",
          "java.base/java.io",
          "java.base/java.net",
          "java.base/java.nio",
          "java.base/sun.nio.ch",
          "java.base/java.text",
          "java.base/java.time",
          "java.base/java.util",
          "java.base/java.util.concurrent",
          "java.base/java.util.concurrent.atomic",
          "java.base/java.util.concurrent.locks");

  private FlinkPeerRun() {}

  /** Records/s and CPU a record over the last two thirds, and the bytes it stored. */
  record Measured(
      double steadyRate,
      double steadyCpuPerRecord,
      long bytes,
      List<double[]> tenths,
      java.util.Map<String, Double> steadyThreadCpu) {}

  static Measured run(String bootstrap, String topic, int records, Path dir, int level)
      throws Exception {
    List<String> command = command();
    command.addAll(
        List.of(
            PEER,
            bootstrap,
            topic,
            Integer.toString(records),
            dir.toString(),
            Integer.toString(level)));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    Output out = new Output(child.pid(), records);
    try (var lines = child.inputReader()) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        out.read(line);
      }
    }
    if (child.waitFor() != 0 || out.third == null || out.done == null || out.bytes < 0) {
      throw new IllegalStateException(
          "the Flink peer failed (exit "
              + child.exitValue()
              + "):\n"
              + String.join("\n", out.tail));
    }
    double steady = records - records / 3;
    double steadySeconds = (out.done[1] - out.third[1]) / 1e9;
    return new Measured(
        steady / steadySeconds,
        (out.done[0] - out.third[0]) / 1e9 / steady,
        out.bytes,
        out.tenths,
        ThreadCpu.minus(out.threadsAtAll, out.threadsAtThird));
  }

  /** The JVM, its settings and the classpath with Flink, without the main class. */
  private static List<String> command() throws java.io.IOException {
    Path flinkClasspath = Path.of("bench", "target", "flink-classpath.txt");
    if (!Files.exists(flinkClasspath)) {
      throw new IllegalStateException(
          flinkClasspath + " is missing: build the bench first (mvn -pl bench -am install)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + HEAP);
    // Avro 1.12 loads only trusted classes by name, as Flink's Avro serializer does.
    command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.walstream.schemas.avro");
    for (String open : OPENS) {
      command.add("--add-opens=" + open + "=ALL-UNNAMED");
    }
    command.add("-cp");
    command.add(
        System.getProperty("java.class.path")
            + java.io.File.pathSeparator
            + Files.readString(flinkClasspath).trim());
    return command;
  }

  /** What the peer printed; the threads' CPU is read from it as the marks go by. */
  private static final class Output {
    private final long pid;
    private final int records;
    long[] third;
    long[] done;
    long bytes = -1;
    private long first;
    final List<double[]> tenths = new ArrayList<>();
    java.util.Map<String, Double> threadsAtThird = java.util.Map.of();
    java.util.Map<String, Double> threadsAtAll = java.util.Map.of();
    final List<String> tail = new ArrayList<>();

    Output(long pid, int records) {
      this.pid = pid;
      this.records = records;
    }

    void read(String line) throws java.io.IOException, InterruptedException {
      String[] f = line.split(" ");
      String mark = f[0] + "/" + f.length;
      switch (mark) {
        case "first/2" -> first = Long.parseLong(f[1]);
        case "tenth/3" ->
            tenths.add(
                new double[] {
                  (Long.parseLong(f[2]) - first) / 1e9, Integer.parseInt(f[1]) * (records / 10.0)
                });
        case "all/1" -> threadsAtAll = ThreadCpu.of(pid);
        case "third/3" -> {
          third = new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
          threadsAtThird = ThreadCpu.of(pid);
        }
        case "done/3" -> done = new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
        case "bytes/2" -> bytes = Long.parseLong(f[1]);
        default -> {
          tail.add(line);
          if (tail.size() > 40) {
            tail.remove(0);
          }
        }
      }
    }
  }
}
