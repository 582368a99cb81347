package io.walstream.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The counting Kafka Streams app in a JVM of its own, as the archiver runs, so that its process CPU
 * compares with the archiver's: {@code CountingApp BOOTSTRAP TOPIC RECORDS} drains the topic and
 * prints {@code third CPU_NS WALL_NS} once a third of it is counted and {@code done CPU_NS WALL_NS}
 * at the end (process CPU time and wall time, nanoseconds).
 */
final class CountingApp {
  private CountingApp() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    long records = Long.parseLong(args[2]);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    AtomicLong count = new AtomicLong();
    Path state = Files.createTempDirectory("walstream-bench-counting");
    try (KafkaStreams streams =
        new KafkaStreams(
            StreamsNoOpLimit.topology(
                Pattern.compile(Pattern.quote(topic)), count, new AtomicLong(), new AtomicLong()),
            StreamsNoOpLimit.properties(bootstrap, state, 1000))) {
      streams.start();
      boolean third = false;
      while (count.get() < records) {
        if (!third && count.get() >= records / 3) {
          System.out.printf("third %d %d%n", os.getProcessCpuTime(), System.nanoTime());
          third = true;
        }
        Thread.sleep(5);
      }
      System.out.printf("done %d %d%n", os.getProcessCpuTime(), System.nanoTime());
      System.out.flush();
      streams.close(Duration.ofSeconds(30));
    }
  }

  /** One drain in a JVM of its own: CPU seconds a record, over the last two thirds and in all. */
  record Measured(double steadyCpuPerRecord, double steadyRate) {}

  /** Runs the app in a child JVM with the archiver's heap and reads what it prints. */
  static Measured inOwnJvm(String bootstrap, String topic, int records) throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                CountingApp.class.getName(),
                bootstrap,
                topic,
                Integer.toString(records))
            .redirectErrorStream(true)
            .start();
    long[] third = null;
    long[] done = null;
    try (var lines = child.inputReader()) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String[] f = line.split(" ");
        if (f.length == 3 && (f[0].equals("third") || f[0].equals("done"))) {
          long[] at = {Long.parseLong(f[1]), Long.parseLong(f[2])};
          if (f[0].equals("third")) {
            third = at;
          } else {
            done = at;
          }
        }
      }
    }
    if (child.waitFor() != 0 || third == null || done == null) {
      throw new IllegalStateException("the counting app failed (exit " + child.exitValue() + ")");
    }
    double steadyRecords = records - records / 3;
    return new Measured(
        (done[0] - third[0]) / 1e9 / steadyRecords, steadyRecords / ((done[1] - third[1]) / 1e9));
  }
}
