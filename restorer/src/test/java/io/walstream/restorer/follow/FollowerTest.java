package io.walstream.restorer.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.retention.Retainer;
import io.walstream.archive.retention.RetentionPolicy;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.GrowingArchive;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteRows;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower keeps a SQLite file equal to the model at the last transaction it applied, goes on
 * after a restart from exactly there, and takes each of the four outcomes of a restart.
 */
class FollowerTest {
  private static final StreamId SHOP = GrowingArchive.SHOP;
  @TempDir Path dir;
  private Path archive;
  private FileSystemObjectStore store;
  private GrowingArchive growing;
  private Path output;

  @BeforeEach
  void archive() {
    archive = dir.resolve("archive");
    store = new FileSystemObjectStore(archive);
    growing = new GrowingArchive(store, 100).segments(3);
    output = dir.resolve("follower.db");
  }

  private void segments(int n) {
    growing.segments(n);
  }

  private long lastLsn() {
    return growing.lastLsn();
  }

  private Map<String, TreeSet<Long>> model(long lsn) {
    return growing.model(lsn);
  }

  private Map<String, TreeSet<Long>> actual() throws Exception {
    return SqliteRows.keys(output, "id");
  }

  private Follower follower(Follower.Reseed reseed) {
    return new Follower(
        store, "shop", new FollowTarget.SqliteFile(output), GapPolicy.REFUSE, reseed);
  }

  @Test
  void shouldRestoreThenApplyEveryNewTransactionWithItsPosition() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      assertThat(f.start()).isEqualTo(Follower.Start.RESTORED);
      assertThat(actual()).isEqualTo(model(lastLsn()));
      assertThat(f.position().lsn()).isEqualTo(lastLsn());

      segments(2);
      Follower.Round round = f.round();
      Follower.Round idle = f.round();

      assertThat(round.transactions()).isEqualTo(6);
      assertThat(round.lsn()).isEqualTo(lastLsn());
      assertThat(round.caughtUp()).isTrue();
      assertThat(actual()).isEqualTo(model(lastLsn()));
      assertThat(idle.transactions()).isZero();
      assertThat(f.position().streams())
          .singleElement()
          .satisfies(p -> assertThat(p.seq()).isEqualTo(4));
    }
  }

  @Test
  void shouldFollowAnEncryptedArchiveAcrossARotationAndRefuseItWithoutKeys() throws Exception {
    Path encrypted = dir.resolve("encrypted");
    FileSystemObjectStore store = new FileSystemObjectStore(encrypted);
    io.walstream.archive.crypto.LocalKek kek =
        io.walstream.archive.crypto.LocalKek.create(dir.resolve("kek.json"));
    new io.walstream.archive.crypto.ArchiveKeysets(store).init(kek);
    GrowingArchive archive =
        new GrowingArchive(store, 100, io.walstream.archive.crypto.Keyring.open(store, kek))
            .segments(2);
    // The follower opens the keyset before the rotation: the new key reaches it by a reload.
    io.walstream.archive.read.ArchiveReader reader =
        new io.walstream.archive.read.ArchiveReader(
            store, io.walstream.archive.crypto.Keyring.open(store, kek));
    try (Follower f =
        new Follower(
            reader,
            "shop",
            new FollowTarget.SqliteFile(output),
            GapPolicy.REFUSE,
            Follower.Reseed.REFUSE)) {
      assertThat(f.start()).isEqualTo(Follower.Start.RESTORED);
      long rotated =
          new io.walstream.archive.crypto.ArchiveKeysets(store).rotate(kek).primaryKeyId();
      archive.segments(2);

      Follower.Round round = f.round();

      assertThat(round.transactions()).isEqualTo(6);
      assertThat(SqliteRows.keys(output, "id")).isEqualTo(archive.model());
      assertThat(io.walstream.archive.crypto.KeyUsage.of(reader).segments()).containsKey(rotated);
    }
    Path refused = dir.resolve("refused.db");
    try (Follower f =
        new Follower(
            store,
            "shop",
            new FollowTarget.SqliteFile(refused),
            GapPolicy.REFUSE,
            Follower.Reseed.REFUSE)) {
      assertThatThrownBy(f::start)
          .isInstanceOf(io.walstream.archive.error.KeyUnavailableException.class)
          .hasMessageContaining("--kek");
    }
    assertThat(refused).doesNotExist();
  }

  @Test
  void shouldStopAtAGapUnlessAcceptingItAndThenApplyWhatFollows() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
    }
    // Offsets 18-20 could not be read (a gap marker), then lsn 109-110 at offsets 21-24.
    var writer = new io.walstream.archive.writer.ArchiveWriter(store, "test");
    var head = writer.loadHead(SHOP);
    head =
        ((io.walstream.archive.writer.CommitResult.Committed) writer.commitGap(head, 18, 20, 20))
            .head();
    writer.commit(
        head,
        io.walstream.archive.testing.Records.batch(
            io.walstream.archive.testing.Records.transactions("shop", 109, 2, 2), 21));

    try (Follower refusing = follower(Follower.Reseed.REFUSE)) {
      assertThat(refusing.start()).isEqualTo(Follower.Start.CONTINUED);
      assertThatThrownBy(refusing::round)
          .isInstanceOf(io.walstream.restorer.plan.TargetNotRestorableException.class)
          .hasMessageContaining("gap");
    }
    assertThat(actual()).as("nothing past the gap applied").isEqualTo(model(108));
    try (Follower accepting =
        new Follower(
            store,
            "shop",
            new FollowTarget.SqliteFile(output),
            GapPolicy.ACCEPT,
            Follower.Reseed.REFUSE)) {
      accepting.start();
      Follower.Round round = accepting.round();

      assertThat(round.transactions()).isEqualTo(2);
      assertThat(accepting.position().lsn()).isEqualTo(110);
    }
    Map<String, TreeSet<Long>> expected = model(108);
    expected.get("orders").addAll(List.of(10900L, 11000L));
    expected.get("customers").addAll(List.of(10901L, 11001L));
    assertThat(actual()).isEqualTo(expected);
  }

  @Test
  void shouldNeverReplaceAFileNoRestoreWrote() throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + output);
        var s = c.createStatement()) {
      s.execute("CREATE TABLE precious (id INTEGER PRIMARY KEY)");
      s.execute("INSERT INTO precious VALUES (42)");
    }

    assertThatThrownBy(() -> follower(Follower.Reseed.ALLOW).start())
        .isInstanceOf(io.walstream.schemas.error.WalstreamException.class)
        .hasMessageContaining(output + ": it exists and no walstream restore wrote it");
    assertThat(SqliteRows.keys(output, "id"))
        .isEqualTo(Map.of("precious", new TreeSet<>(List.of(42L))));
  }

  @Test
  void shouldGoOnFromExactlyItsPositionAfterARestart() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
    }
    segments(1);
    try (Follower again = follower(Follower.Reseed.REFUSE)) {
      assertThat(again.start()).isEqualTo(Follower.Start.CONTINUED);
      assertThat(again.round().transactions()).as("only the new ones").isEqualTo(3);
    }
    assertThat(actual()).isEqualTo(model(lastLsn()));
  }

  @Test
  void shouldRefuseAnArchiveRolledBackBehindItUnlessReseeding() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
    }
    // A rollback: the newest manifest is gone.
    Files.delete(archive.resolve(ArchiveLayout.manifestKey(SHOP, 2)));

    assertThatThrownBy(() -> follower(Follower.Reseed.REFUSE).start())
        .isInstanceOf(ResumeCheck.Refused.class)
        .hasMessageContaining(
            "reached seq 2 of shop@walstream.changes-0 but the archive's head is seq 1")
        .hasMessageContaining("--reseed");
    try (Follower f = follower(Follower.Reseed.ALLOW)) {
      assertThat(f.start()).isEqualTo(Follower.Start.RESEEDED);
    }
    assertThat(actual()).isEqualTo(model(105));
  }

  @Test
  void shouldRefuseAnArchiveReplacedUnderItUnlessReseeding() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
    }
    // Another archive at the same place: the same seqs, other transactions (lsn from 500).
    deleteTree(archive);
    store = new FileSystemObjectStore(archive);
    growing = new GrowingArchive(store, 500).segments(3);

    assertThatThrownBy(() -> follower(Follower.Reseed.REFUSE).start())
        .isInstanceOf(ResumeCheck.Refused.class)
        .hasMessageContaining("seq 2 of shop@walstream.changes-0 hashes to")
        .hasMessageContaining("the archive was replaced");
    try (Follower f = follower(Follower.Reseed.ALLOW)) {
      assertThat(f.start()).isEqualTo(Follower.Start.RESEEDED);
      assertThat(f.position().lsn()).isEqualTo(lastLsn());
    }
  }

  @Test
  void shouldReseedByItselfWhenRetentionRemovedWhatComesNext() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
      Path work = Files.createDirectories(dir.resolve("w"));
      segments(3);
      SnapshotBuilder builder = new SnapshotBuilder(store, "test");
      builder.build("shop", new RestoreTarget.AtLsn(lastLsn() - 3), GapPolicy.REFUSE, work);
      builder.build("shop", new RestoreTarget.Latest(), GapPolicy.REFUSE, work);
      assertThat(new io.walstream.archive.read.Snapshots(new ArchiveReader(store)).list("shop"))
          .extracting(x -> x.snapshot().lsn())
          .containsExactly(lastLsn() - 3, lastLsn());
      Retainer retainer = new Retainer(store, "test");
      var plan =
          retainer.plan(
              List.of("shop"), new RetentionPolicy.KeepSnapshots(1), Duration.ZERO, Instant.now());
      assertThat(plan.skipped()).isEmpty();
      assertThat(plan.databases().get(0).step())
          .isEqualTo(io.walstream.archive.retention.RetentionPlan.RecordStep.WRITE);
      retainer.apply(plan);
      segments(1);

      Follower.Round round = f.round();

      // The floor moved past the follower's position (seq 2): its next manifest is expired.
      assertThat(new ArchiveReader(store).retention("shop").orElseThrow().firstSeq(SHOP))
          .isGreaterThan(3);
      assertThat(f.position().lsn()).isEqualTo(lastLsn());
      assertThat(round.caughtUp()).isTrue();
      assertThat(round.transactions()).as("restored afresh, not applied one by one").isZero();
    }
    assertThat(actual()).isEqualTo(model(lastLsn()));
  }

  @Test
  void shouldReportItselfStalledWhenASegmentItNeedsIsMissingAndGoOnWhenItIsBack() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
      FollowLoop loop =
          new FollowLoop(
              f,
              Duration.ofMillis(10),
              Clock.systemUTC(),
              new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      // Two segments arrive; the first of them goes missing.
      segments(2);
      String segment =
          ((io.walstream.archive.format.Manifest.Segment)
                  new ArchiveReader(store).readManifest(SHOP, 3).orElseThrow().manifest())
              .segment()
              .key();
      long secondBytes =
          ((io.walstream.archive.format.Manifest.Segment)
                  new ArchiveReader(store).readManifest(SHOP, 4).orElseThrow().manifest())
              .segment()
              .byteSize();
      Path file = archive.resolve(segment);
      byte[] bytes = Files.readAllBytes(file);
      Files.delete(file);

      for (int i = 0; i < FollowLoop.STALL_AFTER; i++) {
        assertThat(loop.once()).isFalse();
      }
      boolean stalled = loop.stalled();
      String metrics = loop.scrape();
      Follower.Behind behind = loop.lastBehind();
      Files.write(file, bytes);
      boolean recovered = loop.once();

      assertThat(stalled).isTrue();
      assertThat(metrics).contains("walstream_follow_stalled 1.0");
      // The two segments it could not apply, of three transactions of two records each; the
      // transactions of the missing one are unknown, those of the readable one are counted.
      assertThat(behind.segments()).isEqualTo(2);
      assertThat(behind.records()).isEqualTo(12);
      assertThat(behind.bytes()).isEqualTo(bytes.length + secondBytes);
      assertThat(behind.transactions()).isEqualTo(3);
      assertThat(metrics)
          .contains("walstream_follow_behind_records 12.0")
          .contains("walstream_follow_behind_transactions 3.0");
      assertThat(recovered).isTrue();
      assertThat(loop.stalled()).isFalse();
      assertThat(loop.lagSeconds()).isLessThan(5);
      assertThat(loop.lastBehind()).isEqualTo(Follower.Behind.NONE);
    }
    assertThat(actual()).isEqualTo(model(lastLsn()));
  }

  private static void deleteTree(Path root) throws Exception {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void shouldShowReadersOnlyTransactionBoundariesWhileItFollows() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
      java.util.concurrent.atomic.AtomicBoolean done =
          new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.ConcurrentLinkedQueue<String> seen =
          new java.util.concurrent.ConcurrentLinkedQueue<>();
      java.util.concurrent.atomic.AtomicInteger reads =
          new java.util.concurrent.atomic.AtomicInteger();
      Thread reader =
          new Thread(
              () -> {
                while (!done.get()) {
                  try {
                    Map<String, TreeSet<Long>> state = readInOneTransaction();
                    long lsn = state.getOrDefault("orders", new TreeSet<>()).last() / 100;
                    if (!state.equals(model(lsn))) {
                      seen.add("a state that is no transaction boundary: " + state);
                    }
                    reads.incrementAndGet();
                  } catch (Exception e) {
                    seen.add("a read failed: " + e);
                  }
                }
              });
      reader.start();
      for (int i = 0; i < 15; i++) {
        segments(1);
        f.round();
      }
      done.set(true);
      reader.join();

      assertThat(seen).isEmpty();
      assertThat(reads.get()).isPositive();
    }
    assertThat(actual()).isEqualTo(model(lastLsn()));
  }

  /** What a reader sees in one read transaction (one WAL snapshot of the file). */
  private Map<String, TreeSet<Long>> readInOneTransaction() throws Exception {
    Map<String, TreeSet<Long>> tables = new TreeMap<>();
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + output)) {
      c.setAutoCommit(false);
      for (String table : List.of("orders", "customers")) {
        try (var rs = c.createStatement().executeQuery("SELECT id FROM " + table)) {
          while (rs.next()) {
            tables.computeIfAbsent(table, t -> new TreeSet<>()).add(rs.getLong(1));
          }
        }
      }
      c.rollback();
    }
    return tables;
  }

  @Test
  void shouldReportNoLagWhenTheSourceIsIdle() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
      FollowLoop loop =
          new FollowLoop(
              f,
              Duration.ofMillis(20),
              Clock.systemUTC(),
              new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      Thread runner =
          new Thread(
              () -> {
                try {
                  loop.run();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      runner.start();
      // Longer than ten poll intervals with nothing new archived.
      org.awaitility.Awaitility.await()
          .pollDelay(Duration.ofMillis(400))
          .atMost(Duration.ofSeconds(5))
          .until(() -> true);
      double lag = loop.lagSeconds();
      loop.stop();
      runner.join();

      assertThat(lag).isLessThan(0.3);
      assertThat(loop.stalled()).isFalse();
    }
  }

  @Test
  void shouldLeaveOutAnIncompleteTransactionSayWhichAndApplyTheRest() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
      // A producer that crashed mid-transaction: lsn 109 lacks its last record, lsn 110 is whole.
      var records =
          new java.util.ArrayList<>(
              io.walstream.archive.testing.Records.transactions("shop", 109, 2, 2));
      records.remove(1);
      var writer = new io.walstream.archive.writer.ArchiveWriter(store, "test");
      var head = writer.loadHead(SHOP);
      writer.commit(
          head, io.walstream.archive.testing.Records.batch(records, head.lastSourceOffset() + 1));

      Follower.Round round = f.round();

      assertThat(round.incomplete()).isEqualTo(1);
      assertThat(round.transactions()).isEqualTo(1);
      assertThat(f.position().lsn()).isEqualTo(110);
      Map<String, TreeSet<Long>> expected = model(108);
      expected.get("orders").add(11000L);
      expected.get("customers").add(11001L);
      assertThat(actual()).isEqualTo(expected);
    }
  }
}
