package io.walstream.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.restorer.follow.FollowLoop;
import io.walstream.restorer.follow.FollowTarget;
import io.walstream.restorer.follow.Follower;
import io.walstream.restorer.follow.ManifestWatch;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.verify.SegmentRecords;
import io.walstream.restorer.verify.VerifiedArchive;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Follow mode and topic restores. (1) Follower lag beside a running archiver at 5 000 records/s:
 * for every manifest the archiver publishes, the time from its arrival on the manifests topic to
 * its last transaction being visible in the follower's SQLite file (read by SQL, as a reader
 * would), with the manifests-topic wake-up and with polling every second only. (2) A topic restore
 * of an archive against a plain idempotent producer sending the same records, same run.
 */
final class FollowBench implements Bench.Scenario {
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);
  private static final SingleObjectCodec<SegmentManifest> MANIFESTS =
      SingleObjectCodec.of(SegmentManifest.class);
  private static final String APP = "bench-follow";
  private static final int RATE = 5_000;
  private static final int WARMUP_SECONDS = 10;
  private static final byte[] KEY = "shop".getBytes(StandardCharsets.UTF_8);
  // -Dbench.trace=true prints every manifest's arrival and every move of the file's position.
  private static final boolean TRACE = Boolean.getBoolean("bench.trace");
  private static long traced;

  @Override
  public String description() {
    return "follow: follower lag at 5000 records/s (wake and poll), topic restore vs an idempotent"
        + " producer [records=1000000] [jar=cli/target/walstream.jar] [seconds=30]";
  }

  @Override
  public void run(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path jar = Path.of(args.length > 1 ? args[1] : "cli/target/walstream.jar");
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    try (WorkDir workDir = new WorkDir("walstream-follow-bench");
        EmbeddedKafka kafka = new EmbeddedKafka()) {
      if (seconds > 0) {
        lag(kafka, jar, workDir.path(), seconds);
      }
      if (records > 0) {
        TopicRestoreBench.run(kafka, workDir.path(), records);
      }
    }
  }

  private static void lag(EmbeddedKafka kafka, Path jar, Path work, int seconds) throws Exception {
    String topic = "bench.follow";
    kafka.createTopic(topic, 1);
    Path dir = Files.createDirectories(work.resolve("lag"));
    String bootstrap = kafka.bootstrapServers();
    AtomicBoolean producing = new AtomicBoolean(true);
    try (ArchiverProcessHandle archiver =
        new ArchiverProcessHandle(
            jar,
            dir,
            "256m",
            ArchiverBench.archiverArgs(bootstrap, dir.resolve("archive"), topic, APP))) {
      archiver.awaitStarted();
      Thread producer = new Thread(() -> produce(bootstrap, topic, producing), "bench-producer");
      producer.start();
      try {
        FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve("archive"));
        awaitArchive(dir.resolve("archive"));
        System.out.printf(
            "follower lag at %d records/s, %d s each after %d s of warm-up (manifest on the topic →"
                + " the last transaction it completes visible in the file):%n",
            RATE, seconds, WARMUP_SECONDS);
        System.out.println("| mode | manifests | p50 | p99 | max | goal |");
        System.out.println("|---|---|---|---|---|---|");
        List<double[]> woken = phase(store, bootstrap, dir.resolve("wake.db"), true, seconds);
        List<double[]> polled = phase(store, bootstrap, dir.resolve("poll.db"), false, seconds);
        Path chart = Path.of(System.getProperty("bench.chart.dir", "docs"), "follow-lag.png");
        Files.createDirectories(chart.toAbsolutePath().getParent());
        LineChart.write(
            chart,
            "Follower lag per manifest at " + RATE + " records/s",
            "seconds into the measurement (manifest arrival)",
            "ms until its transactions are visible",
            List.of(
                new LineChart.Series(
                    "waking on the manifests topic", new java.awt.Color(30, 110, 200), woken),
                new LineChart.Series(
                    "polling every 1 s", new java.awt.Color(200, 60, 40), polled)));
        System.out.println("chart: " + chart);
      } finally {
        producing.set(false);
        producer.join();
      }
    }
  }

  private static void awaitArchive(Path archive) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.isDirectory(archive.resolve("shop"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the archiver archived nothing within 60 s");
      }
      Thread.sleep(100);
    }
    // A few commits in: the follower's first restore has something to restore.
    Thread.sleep(3_000);
  }

  /** Sends the workload at {@link #RATE} records a second until told to stop. */
  private static void produce(String bootstrap, String topic, AtomicBoolean producing) {
    Workload workload = new Workload(13);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 5),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      long start = System.nanoTime();
      long sent = 0;
      while (producing.get()) {
        long due = (System.nanoTime() - start) * RATE / 1_000_000_000L;
        if (due - sent < 8) {
          // Parked, not spinning: on two cores a spinning producer would starve the follower.
          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
          continue;
        }
        for (ChangeRecord r : workload.next("shop", (int) Math.min(64, due - sent))) {
          producer.send(new ProducerRecord<>(topic, 0, KEY, CODEC.encode(r)));
          sent++;
        }
      }
    }
  }

  private static List<double[]> phase(
      FileSystemObjectStore store, String bootstrap, Path output, boolean wake, int seconds)
      throws Exception {
    Duration poll = Duration.ofSeconds(1);
    List<Long> latencies = new ArrayList<>();
    List<double[]> points = new ArrayList<>();
    try (Follower follower =
            new Follower(
                store,
                "shop",
                new FollowTarget.SqliteFile(output),
                GapPolicy.REFUSE,
                Follower.Reseed.REFUSE);
        KafkaConsumer<byte[], byte[]> manifests = manifests(bootstrap);
        ManifestWatch watch =
            wake
                ? new ManifestWatch(
                    Map.of("bootstrap.servers", bootstrap),
                    APP + ".manifests",
                    "shop",
                    Duration.ofSeconds(30))
                : null) {
      follower.start();
      FollowLoop loop =
          new FollowLoop(
              follower,
              poll,
              Clock.systemUTC(),
              new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      if (watch != null) {
        follower.checkAgainst(watch::anchors);
        watch.onManifest(loop::wake);
      }
      Thread runner = start(loop);
      measure(manifests, store, output, seconds, latencies, points);
      loop.stop();
      runner.join();
    }
    report(wake, latencies);
    return points;
  }

  private static void report(boolean wake, List<Long> latencies) {
    Collections.sort(latencies);
    double p50 = latencies.get(latencies.size() / 2) / 1e6;
    double p99 = latencies.get((int) (latencies.size() * 0.99)) / 1e6;
    double max = latencies.get(latencies.size() - 1) / 1e6;
    System.out.printf(
        "| %s | %d | %.0f ms | %.0f ms | %.0f ms | %s |%n",
        wake ? "--bootstrap-servers (wakes on the manifests topic)" : "poll every 1 s",
        latencies.size(),
        p50,
        p99,
        max,
        wake
            ? String.format("p99 ≤ 1000 ms: %.2f × the limit", p99 / 1000)
            : String.format("p99 ≤ poll + 1 s = 2000 ms: %.2f × the limit", p99 / 2000));
  }

  private static Thread start(FollowLoop loop) {
    Thread runner =
        new Thread(
            () -> {
              try {
                loop.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bench-follower");
    runner.start();
    return runner;
  }

  private static KafkaConsumer<byte[], byte[]> manifests(String bootstrap) {
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> parts =
        c.partitionsFor(APP + ".manifests").stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    c.assign(parts);
    c.seekToEnd(parts);
    parts.forEach(c::position);
    return c;
  }

  /** Times every manifest from its arrival on the topic until the file's position covers it. */
  private static void measure(
      KafkaConsumer<byte[], byte[]> manifests,
      FileSystemObjectStore store,
      Path output,
      int seconds,
      List<Long> latencies,
      List<double[]> points)
      throws Exception {
    ArrayDeque<long[]> waiting = new ArrayDeque<>();
    // Steady state: manifests published while the follower restores and catches up are not timed.
    long begin = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
    long end = begin + seconds * 1_000_000_000L;
    VerifiedArchive archive = new VerifiedArchive(new ArchiveReader(store));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + output)) {
      while (System.nanoTime() < end || !waiting.isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> r : manifests.poll(Duration.ZERO)) {
          SegmentManifest m = MANIFESTS.decode(r.value());
          long arrived = System.nanoTime();
          if (arrived > begin && arrived < end && m.getLastLsn() != null) {
            waiting.add(new long[] {completedBy(archive, m), arrived});
            if (TRACE) {
              System.out.printf(
                  "%d manifest seq %d lsn %d..%d, file at %d%n",
                  System.nanoTime() / 1_000_000,
                  m.getSeq(),
                  m.getFirstLsn(),
                  m.getLastLsn(),
                  position(c));
            }
          }
        }
        long lsn = position(c);
        long now = System.nanoTime();
        if (TRACE && lsn != traced) {
          System.out.printf("%d file at %d%n", now / 1_000_000, lsn);
          traced = lsn;
        }
        while (!waiting.isEmpty() && waiting.peek()[0] <= lsn) {
          long arrived = waiting.poll()[1];
          latencies.add(now - arrived);
          points.add(new double[] {(arrived - begin) / 1e9, (now - arrived) / 1e6});
        }
        // A reader checking every 5 ms: finer than the goal, and no core taken from the follower.
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        if (System.nanoTime() > end + 30_000_000_000L) {
          throw new IllegalStateException("the follower did not catch up within 30 s");
        }
      }
    }
  }

  /**
   * The last transaction manifest {@code m} completes: the highest lsn of its segment's records
   * that end a transaction (a transaction cut at the segment's end completes in the next one, and
   * is that one's to make visible). Read from the archive, not from the follower.
   */
  private static long completedBy(VerifiedArchive archive, SegmentManifest m) {
    StreamId stream = new StreamId(m.getDatabase(), m.getTopic(), m.getPartition());
    Manifest.Segment segment =
        (Manifest.Segment)
            archive.reader().readManifest(stream, m.getSeq()).orElseThrow().manifest();
    long last = -1;
    for (ChangeRecord r :
        new SegmentRecords(segment, archive.segment(segment), archive.reader().keys())
            .next(Integer.MAX_VALUE)) {
      if (r.getTxLast()) {
        last = r.getLsn();
      }
    }
    return last;
  }

  private static long position(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT lsn FROM _walstream_follow")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }
}
