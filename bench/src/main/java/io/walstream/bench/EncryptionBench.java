package io.walstream.bench;

import io.walstream.archive.crypto.ArchiveKeysets;
import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.crypto.LocalKek;
import io.walstream.archive.format.EnvelopeHeader;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteSink;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Encryption at rest against plaintext in the same run: Tink's streaming AEAD alone on one core
 * (encrypting and decrypting segment-sized buffers as the archiver and restorer do), the archiver
 * draining the same preloaded topic into a plaintext and into an encrypted archive (rounds
 * interleaved, best steady state of each), and restores of the same records from a plaintext and an
 * encrypted archive (interleaved, best of each).
 */
final class EncryptionBench implements Bench.Scenario {
  private static final int BUFFER = 8 * 1024 * 1024;

  @Override
  public String description() {
    return "encrypted vs plaintext: AEAD alone, archiving, restore [records=500000]"
        + " [jar=cli/target/walstream.jar] [rounds=2]";
  }

  @Override
  public void run(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    Path jar = Path.of(args.length > 1 ? args[1] : "cli/target/walstream.jar");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    try (WorkDir workDir = new WorkDir("walstream-encryption-bench")) {
      Path work = workDir.path();
      aead(work);
      restore(work, records, rounds);
      archiving(work, jar, records, rounds);
    }
  }

  /** Encrypts and decrypts 8 MiB buffers on this thread for a few seconds each: GB/s of CPU. */
  private static void aead(Path work) throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore();
    LocalKek kek = LocalKek.create(work.resolve("aead-kek.json"));
    new ArchiveKeysets(store).init(kek);
    Keyring keys = Keyring.open(store, kek);
    byte[] plain = new byte[BUFFER];
    new Random(1).nextBytes(plain);
    String place = "shop/wal/bench/00000000/0000000000000000.manifest.json";
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    byte[] sealed = keys.encrypt(plain, place).bytes();
    for (int warm = 0; warm < 20; warm++) {
      sealed = keys.encrypt(plain, place).bytes();
      decrypt(keys, sealed, place);
    }
    long bytes = 0;
    long cpu = threads.getCurrentThreadCpuTime();
    while (threads.getCurrentThreadCpuTime() - cpu < 3_000_000_000L) {
      sealed = keys.encrypt(plain, place).bytes();
      bytes += plain.length;
    }
    double encrypt = bytes / ((threads.getCurrentThreadCpuTime() - cpu) / 1e9) / 1e9;
    bytes = 0;
    cpu = threads.getCurrentThreadCpuTime();
    while (threads.getCurrentThreadCpuTime() - cpu < 3_000_000_000L) {
      bytes += decrypt(keys, sealed, place);
    }
    double decrypt = bytes / ((threads.getCurrentThreadCpuTime() - cpu) / 1e9) / 1e9;
    System.out.println("| measure | value | goal |");
    System.out.println("|---|---:|---|");
    System.out.printf(
        "| streaming AEAD encrypt (AES-256-GCM-HKDF, 1 MiB segments), one core | %.2f GB/s |"
            + " ≥ 1 GB/s |%n",
        encrypt);
    System.out.printf("| streaming AEAD decrypt, one core | %.2f GB/s | ≥ 1 GB/s |%n", decrypt);
  }

  private static long decrypt(Keyring keys, byte[] sealed, String place) throws Exception {
    EnvelopeHeader.Declared declared =
        EnvelopeHeader.read(new ByteArrayInputStream(sealed), "bench.seg");
    try (InputStream in =
        keys.decrypt(declared.rest(), declared.header().orElseThrow(), place, "bench.seg")) {
      byte[] buffer = new byte[1 << 16];
      long n = 0;
      for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
        n += r;
      }
      return n;
    }
  }

  /** The same records restored from a plaintext and an encrypted archive, interleaved. */
  private static void restore(Path work, int records, int rounds) throws Exception {
    Path plainArchive = work.resolve("restore-plain");
    Path encryptedArchive = work.resolve("restore-encrypted");
    RestoreBench.writeArchive(plainArchive, records, Keyring.none());
    FileSystemObjectStore encrypted = new FileSystemObjectStore(encryptedArchive);
    LocalKek kek = LocalKek.create(work.resolve("restore-kek.json"));
    new ArchiveKeysets(encrypted).init(kek);
    RestoreBench.writeArchive(encryptedArchive, records, Keyring.open(encrypted, kek));
    double plain = Double.MAX_VALUE;
    double sealed = Double.MAX_VALUE;
    for (int round = 1; round <= rounds + 1; round++) {
      plain =
          Math.min(
              plain,
              restoreSeconds(
                  new ArchiveReader(new FileSystemObjectStore(plainArchive)), work, "p" + round));
      sealed =
          Math.min(
              sealed,
              restoreSeconds(
                  new ArchiveReader(encrypted, Keyring.open(encrypted, kek)), work, "e" + round));
    }
    System.out.printf(
        "| restore into SQLite, %d records: plaintext | %.0f records/s | |%n",
        records, records / plain);
    System.out.printf(
        "| restore into SQLite, %d records: encrypted | %.0f records/s | |%n",
        records, records / sealed);
    System.out.printf("| encrypted restore ÷ plaintext restore | %.2f | ≥ 0.9 |%n", plain / sealed);
  }

  private static double restoreSeconds(ArchiveReader reader, Path work, String name)
      throws Exception {
    Path out = work.resolve("restored-" + name + ".db");
    long start = System.nanoTime();
    new Restorer(reader, Restorer.DEFAULT_PARALLELISM)
        .restore("shop", new RestoreTarget.Latest(), SqliteSink.open(out, false));
    double seconds = (System.nanoTime() - start) / 1e9;
    Files.delete(out);
    return seconds;
  }

  /** The archiver draining one preloaded topic into plaintext and encrypted archives, in turn. */
  private static void archiving(Path work, Path jar, int records, int rounds) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka()) {
      String topic = "bench.changes";
      kafka.createTopic(topic, 1);
      ArchiverBench.preload(kafka.bootstrapServers(), topic, 1, records);
      ArchiverThroughput.Run bestPlain = null;
      ArchiverThroughput.Run bestSealed = null;
      List<String> runs = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        ArchiverThroughput.Run p = drain(kafka, jar, work, topic, records, "plain-" + round, false);
        ArchiverThroughput.Run e =
            drain(kafka, jar, work, topic, records, "encrypted-" + round, true);
        runs.add(String.format("%.0f/%.0f", p.steadyRate(), e.steadyRate()));
        bestPlain = bestPlain == null || p.steadyRate() > bestPlain.steadyRate() ? p : bestPlain;
        bestSealed =
            bestSealed == null || e.steadyRate() > bestSealed.steadyRate() ? e : bestSealed;
      }
      double plain = bestPlain.steadyRate();
      double sealed = bestSealed.steadyRate();
      chart(bestPlain, bestSealed, records);
      System.out.printf("| archiver steady state, plaintext | %.0f records/s | |%n", plain);
      System.out.printf("| archiver steady state, encrypted | %.0f records/s | |%n", sealed);
      System.out.printf(
          "| encrypted archiving ÷ plaintext (best of %d rounds each, plain/encrypted per round:"
              + " %s) | %.2f | ≥ 0.9 |%n",
          rounds, String.join(", ", runs), sealed / plain);
    }
  }

  /** Records taken in over time by the best plaintext and the best encrypted round. */
  private static void chart(
      ArchiverThroughput.Run plain, ArchiverThroughput.Run sealed, int records)
      throws java.io.IOException {
    Path chart = Path.of(System.getProperty("bench.chart.dir", "docs"), "encryption-intake.png");
    Files.createDirectories(chart.toAbsolutePath().getParent());
    LineChart.write(
        chart,
        "Archiver intake of " + records + " records, plaintext and encrypted (best rounds)",
        "seconds since the first record",
        "records taken in (thousands)",
        List.of(
            new LineChart.Series(
                "plaintext archive", new java.awt.Color(30, 110, 200), thousands(plain)),
            new LineChart.Series(
                "encrypted archive", new java.awt.Color(200, 60, 40), thousands(sealed))));
    System.out.println("chart: " + chart);
  }

  private static List<double[]> thousands(ArchiverThroughput.Run run) {
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0});
    run.tenths().forEach(t -> points.add(new double[] {t[0], t[1] / 1e3}));
    return points;
  }

  private static ArchiverThroughput.Run drain(
      EmbeddedKafka kafka,
      Path jar,
      Path work,
      String topic,
      int records,
      String name,
      boolean encrypted)
      throws Exception {
    Path dir = Files.createDirectories(work.resolve("archiver-" + name));
    Path archive = dir.resolve("archive");
    List<String> more = new ArrayList<>();
    if (encrypted) {
      Path kekFile = dir.resolve("kek.json");
      LocalKek kek = LocalKek.create(kekFile);
      new ArchiveKeysets(new FileSystemObjectStore(archive)).init(kek);
      more.addAll(List.of("--set", "archive.encryption.kek=" + kekFile));
    }
    List<String> args =
        ArchiverBench.archiverArgs(
            kafka.bootstrapServers(),
            archive,
            topic,
            "bench-enc-" + name,
            more.toArray(String[]::new));
    try (ArchiverProcessHandle archiver = new ArchiverProcessHandle(jar, dir, "256m", args)) {
      archiver.awaitStarted();
      return ArchiverThroughput.sample(archiver, records);
    }
  }
}
