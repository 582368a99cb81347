package io.walstream.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The benchmark harness: {@code Bench <scenario> [options]}. Every scenario measures walstream
 * against the limit of the same machine in the same run and prints the ratio; results go into
 * docs/BENCHMARKS.md with the command that produced them.
 */
public final class Bench {
  private static final Map<String, Scenario> SCENARIOS = new TreeMap<>();

  static {
    SCENARIOS.put("segment", new SegmentCodecBench());
    SCENARIOS.put("archiver", new ArchiverBench());
    SCENARIOS.put("restore", new RestoreBench());
    SCENARIOS.put("snapshot", new SnapshotBench());
    SCENARIOS.put("retention", new RetentionBench());
    SCENARIOS.put("follow", new FollowBench());
    SCENARIOS.put("encryption", new EncryptionBench());
    SCENARIOS.put("ingest", new IngestBench());
  }

  /** One benchmark scenario. */
  interface Scenario {
    String description();

    void run(String[] args) throws Exception;
  }

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !SCENARIOS.containsKey(args[0])) {
      System.err.println("usage: Bench <scenario> [options]; scenarios:");
      SCENARIOS.forEach((name, s) -> System.err.println("  " + name + ": " + s.description()));
      System.exit(2);
    }
    SCENARIOS.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
  }
}
