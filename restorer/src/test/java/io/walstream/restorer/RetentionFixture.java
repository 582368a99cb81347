package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.retention.Retainer;
import io.walstream.archive.retention.RetentionPlan;
import io.walstream.archive.retention.RetentionPolicy;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.ArchiveReport;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A random two-stream history of database "shop" (RestorerTest's generator and its independent
 * model) with snapshots at chosen fractions of it, and the checks the retention tests share.
 */
final class RetentionFixture {
  final RestorerTest history = new RestorerTest();
  final List<SnapshotBuilder.Result> snapshots = new ArrayList<>();
  private final Path dir;
  private static final AtomicInteger OUTPUTS = new AtomicInteger();

  RetentionFixture(Path dir, int transactions, long seed, double... snapshotAt) {
    this.dir = dir;
    history.archive(transactions, seed);
    for (double fraction : snapshotAt) {
      snapshots.add(snapshot(history.store, lsnAt(fraction)));
    }
  }

  ObjectStore store() {
    return history.store;
  }

  long lsnAt(double fraction) {
    List<List<io.walstream.schemas.avro.ChangeRecord>> txs = history.transactions;
    return txs.get(Math.min(txs.size() - 1, (int) (txs.size() * fraction))).get(0).getLsn();
  }

  long lastLsn() {
    return lsnAt(1.0);
  }

  SnapshotBuilder.Result snapshot(ObjectStore store, long lsn) {
    try {
      return new SnapshotBuilder(store, "retention-test", 13)
          .build(
              "shop",
              new RestoreTarget.AtLsn(lsn),
              GapPolicy.REFUSE,
              Files.createTempDirectory(dir, "work"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static RetentionPlan plan(ObjectStore store, RetentionPolicy policy) {
    return new Retainer(store, "retention-test")
        .plan(List.of("shop"), policy, Duration.ZERO, Instant.now());
  }

  /** Restores {@code target} from {@code store}; the rows, empty tables left out. */
  Map<String, Map<Object, Map<String, Object>>> restore(ObjectStore store, RestoreTarget target)
      throws Exception {
    Path output = dir.resolve("restore-" + OUTPUTS.incrementAndGet() + ".db");
    new Restorer(store).restore("shop", target, SqliteSink.open(output, false));
    var rows = RestorerTest.actual(output);
    rows.values().removeIf(Map::isEmpty);
    return rows;
  }

  /** What the model says a restore to {@code target} holds, empty tables left out. */
  Map<String, Map<Object, Map<String, Object>>> expected(RestoreTarget target) {
    var rows = history.expected(target);
    rows.values().removeIf(Map::isEmpty);
    return rows;
  }

  /** Asserts that a restore to {@code target} equals the model. */
  void assertRestores(ObjectStore store, RestoreTarget target) throws Exception {
    assertThat(restore(store, target))
        .as("restore to %s", target.describe())
        .isEqualTo(expected(target));
  }

  /** verify's findings of severity ERROR (and, when asked, EXPIRED ones) for "shop". */
  static List<Finding> verifyErrors(ObjectStore store) {
    ArchiveReport report = new ChainVerifier(store).verifyDatabase("shop");
    return report.findings().stream().filter(Finding::isError).toList();
  }

  static List<Finding> expiredFindings(ObjectStore store) {
    ArchiveReport report = new ChainVerifier(store).verifyDatabase("shop");
    return report.findings().stream().filter(f -> f.kind() == Finding.Kind.EXPIRED).toList();
  }

  /** Every key of the store. */
  static TreeSet<String> keys(ObjectStore store) {
    TreeSet<String> keys = new TreeSet<>();
    new io.walstream.archive.read.ArchiveReader(store).forEachKey("", o -> keys.add(o.key()));
    return keys;
  }

  /** Keys of manifests and segments with a seq below {@code seq} in any stream. */
  static List<String> walKeysBelow(
      ObjectStore store,
      java.util.function.ToLongFunction<io.walstream.archive.layout.StreamId> floor) {
    List<String> below = new ArrayList<>();
    for (String key : keys(store)) {
      ArchiveKey k = ArchiveLayout.parse(key).orElse(null);
      if (k instanceof ArchiveKey.Manifest m && m.seq() < floor.applyAsLong(m.stream())) {
        below.add(key);
      } else if (k instanceof ArchiveKey.Segment s && s.seq() < floor.applyAsLong(s.stream())) {
        below.add(key);
      }
    }
    return below;
  }
}
