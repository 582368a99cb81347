package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.format.Retention;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.retention.Expiry;
import io.walstream.archive.retention.ReaderLease;
import io.walstream.archive.retention.Retainer;
import io.walstream.archive.retention.RetentionPlan;
import io.walstream.archive.retention.RetentionPlan.RecordStep;
import io.walstream.archive.retention.RetentionPolicy;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.Batch;
import io.walstream.archive.writer.CommitResult;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.plan.TargetNotRestorableException;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import io.walstream.schemas.value.Values;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention expires what no retained restore point needs, and nothing a retained point does. */
class RetentionTest {
  @TempDir Path dir;

  private static final RetentionPolicy KEEP_TWO = new RetentionPolicy.KeepSnapshots(2);

  @Test
  void shouldRestoreEveryRetainedPointAsBeforeWhenRetentionExpiresTheHistoryBeforeTheFloor()
      throws Exception {
    for (long seed : new long[] {5, 17, 29}) {
      RetentionFixture f = new RetentionFixture(dir, 300, seed, 0.3, 0.6, 0.85);
      Snapshot floor = f.snapshots.get(1).snapshot().snapshot();
      List<RestoreTarget> targets = targets(f, floor.lsn(), new Random(seed));
      Map<RestoreTarget, Object> before = new HashMap<>();
      for (RestoreTarget target : targets) {
        before.put(target, f.restore(f.store(), target));
      }

      RetentionPlan plan = RetentionFixture.plan(f.store(), KEEP_TWO);
      new Retainer(f.store(), "retention-test").apply(plan);

      for (RestoreTarget target : targets) {
        var after = f.restore(f.store(), target);
        assertThat(after).as("seed %d, %s", seed, target.describe()).isEqualTo(before.get(target));
        assertThat(after).isEqualTo(f.expected(target));
      }
      Retention record = new ArchiveReader(f.store()).retention("shop").orElseThrow();
      assertThat(record.snapshot().key()).isEqualTo(floor.key());
      assertThat(RetentionFixture.walKeysBelow(f.store(), record::firstSeq)).isEmpty();
      assertThat(f.store().stat(f.snapshots.get(0).snapshot().key())).isEmpty();
      for (Snapshot.Chunk chunk : f.snapshots.get(0).snapshot().snapshot().chunks()) {
        assertThat(f.store().stat(chunk.key())).as(chunk.key()).isEmpty();
      }
      assertThat(RetentionFixture.verifyErrors(f.store())).isEmpty();
      assertThat(RetentionFixture.expiredFindings(f.store())).isEmpty();
    }
  }

  private static List<RestoreTarget> targets(RetentionFixture f, long floorLsn, Random random) {
    List<RestoreTarget> targets = new ArrayList<>();
    targets.add(new RestoreTarget.Latest());
    targets.add(new RestoreTarget.AtLsn(floorLsn));
    for (int i = 0; i < 4; i++) {
      long lsn = floorLsn + random.nextLong(f.lastLsn() - floorLsn + 1);
      targets.add(new RestoreTarget.AtLsn(lsn));
      // Commit times follow lsns in this history: one second an lsn; the floor's own time too.
      targets.add(new RestoreTarget.AtTime(RestorerTest.T0.plusSeconds(lsn).plusMillis(500)));
    }
    return targets;
  }

  @Test
  void shouldRefuseTargetsBeforeTheOldestRestorePointAndReplaysStatingTheWindow() throws Exception {
    RetentionFixture f = new RetentionFixture(dir, 200, 3, 0.3, 0.6, 0.85);
    new Retainer(f.store(), "retention-test").apply(RetentionFixture.plan(f.store(), KEEP_TWO));
    Snapshot floor = f.snapshots.get(1).snapshot().snapshot();

    assertThatThrownBy(() -> f.restore(f.store(), new RestoreTarget.AtLsn(f.lsnAt(0.5))))
        .isInstanceOf(TargetNotRestorableException.class)
        .hasMessageContaining("before the oldest retained restore point")
        .hasMessageContaining(floor.key())
        .hasMessageContaining("the restorable window is lsn " + floor.lsn() + " to ");
    Path output = dir.resolve("replay.db");
    assertThatThrownBy(
            () ->
                new Restorer(f.store())
                    .using(Restorer.SnapshotUse.IGNORE)
                    .restore("shop", new RestoreTarget.Latest(), SqliteSink.open(output, false)))
        .isInstanceOf(TargetNotRestorableException.class)
        .hasMessageContaining("Cannot replay database shop from seq 0")
        .hasMessageContaining(floor.key());
    assertThat(output).doesNotExist();
  }

  @Test
  void shouldDeleteExactlyWhatThePlanListedAndExplainEachDeletion() {
    RetentionFixture f = new RetentionFixture(dir, 200, 8, 0.3, 0.6, 0.85);
    TreeSet<String> before = RetentionFixture.keys(f.store());
    RetentionPlan plan = RetentionFixture.plan(f.store(), KEEP_TWO);
    RetentionPlan.DatabasePlan shop = plan.databases().get(0);

    List<Expiry> deleted = new Retainer(f.store(), "retention-test").apply(plan);

    assertThat(shop.step()).isEqualTo(RecordStep.WRITE);
    assertThat(shop.record().snapshot().key()).isEqualTo(f.snapshots.get(1).snapshot().key());
    assertThat(shop.held()).isEmpty();
    assertThat(deleted).isEqualTo(shop.delete());
    assertThat(shop.perStream()).hasSize(2);
    shop.perStream().values().forEach(t -> assertThat(t.segments()).isPositive());
    assertThat(shop.delete())
        .allSatisfy(e -> assertThat(e.why()).contains(f.snapshots.get(1).snapshot().key()));
    TreeSet<String> expected = new TreeSet<>(before);
    shop.delete().forEach(e -> expected.remove(e.key()));
    expected.add(shop.record().key());
    assertThat(RetentionFixture.keys(f.store())).isEqualTo(expected);
    // Run again: converged, nothing left to do.
    RetentionPlan again = RetentionFixture.plan(f.store(), KEEP_TWO);
    assertThat(again.databases().get(0).step()).isEqualTo(RecordStep.KEEP);
    assertThat(again.databases().get(0).expired()).isEmpty();
  }

  @Test
  void shouldHoldWhatALeaseTakenBeforeRetentionNeedsUntilItIsReleased() throws Exception {
    RetentionFixture f = new RetentionFixture(dir, 200, 4, 0.3, 0.6, 0.85);
    Restorer replay = new Restorer(f.store()).using(Restorer.SnapshotUse.IGNORE);
    Path output = dir.resolve("leased.db");
    RestoreTarget latest = new RestoreTarget.Latest();
    try (ReaderLease lease = replay.lease("shop", "restore")) {
      // Planned from seq 0 before any retention record: it needs the whole history.
      RestorePlan plan = replay.plan("shop", latest, GapPolicy.REFUSE);
      RetentionPlan retention =
          RetentionFixture.plan(f.store(), new RetentionPolicy.KeepSnapshots(1));
      new Retainer(f.store(), "retention-test").apply(retention);

      assertThat(retention.databases().get(0).delete()).isEmpty();
      assertThat(retention.databases().get(0).held())
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.heldBy()).startsWith("held by lease shop/leases/restore-"));
      replay.restore(
          plan, SqliteSink.open(output, false), io.walstream.restorer.apply.Progress.NONE);
    }
    var rows = RestorerTest.actual(output);
    rows.values().removeIf(Map::isEmpty);
    assertThat(rows).isEqualTo(f.expected(latest));

    // Released: the next run deletes what it held, and a lease taken after the record holds
    // nothing.
    try (ReaderLease later = new Restorer(f.store()).lease("shop", "restore")) {
      RetentionPlan next = RetentionFixture.plan(f.store(), new RetentionPolicy.KeepSnapshots(1));
      assertThat(next.databases().get(0).held()).isEmpty();
      assertThat(next.databases().get(0).delete()).isNotEmpty();
      new Retainer(f.store(), "retention-test").apply(next);
    }
    assertThat(RetentionFixture.expiredFindings(f.store())).isEmpty();
    assertThat(RetentionFixture.keys(f.store())).noneMatch(k -> k.contains("/leases/"));
    f.assertRestores(f.store(), latest);
  }

  @Test
  void shouldExpireNothingAndNameTheChunkWhenTheFloorSnapshotIsDamaged() {
    RetentionFixture f = new RetentionFixture(dir, 150, 6, 0.4, 0.8, 0.9);
    Snapshot.Chunk chunk = f.snapshots.get(1).snapshot().snapshot().chunks().get(0);
    InMemoryObjectStore store = (InMemoryObjectStore) f.store();
    byte[] bytes = store.readAll(chunk.key()).orElseThrow();
    bytes[bytes.length / 2] ^= 1;
    store.corrupt(chunk.key(), bytes);
    TreeSet<String> before = RetentionFixture.keys(store);

    RetentionPlan refused = RetentionFixture.plan(store, KEEP_TWO);
    new Retainer(store, "retention-test").apply(refused);

    assertThat(refused.skipped())
        .singleElement()
        .asString()
        .contains(chunk.key())
        .contains("nothing was expired");
    assertThat(RetentionFixture.keys(store)).isEqualTo(before);
  }

  @Test
  void shouldConvergeOnAnIdleDatabaseOnceTheWindowPasses() {
    RetentionFixture f = new RetentionFixture(dir, 150, 9, 0.4, 0.8);
    Snapshot first = f.snapshots.get(0).snapshot().snapshot();
    Snapshot second = f.snapshots.get(1).snapshot().snapshot();
    Instant now = Instant.now();
    Retainer retainer = new Retainer(f.store(), "retention-test");
    // A window reaching back before the first snapshot's transactions keeps everything; one that
    // reaches back only to just after the second's makes the second the floor.
    Duration wide = Duration.between(Values.fromMicros(first.maxCommitTime()), now).plusMinutes(1);
    Duration narrow =
        Duration.between(Values.fromMicros(second.maxCommitTime()), now).minusMinutes(1);

    RetentionPlan none = plan(retainer, new RetentionPolicy.KeepWindow(wide), now);
    RetentionPlan moves = plan(retainer, new RetentionPolicy.KeepWindow(narrow), now);
    retainer.apply(moves);
    RetentionPlan converged =
        plan(retainer, new RetentionPolicy.KeepWindow(narrow), Instant.now().plusSeconds(3600));

    assertThat(none.databases().get(0).step()).isEqualTo(RecordStep.NONE);
    assertThat(moves.databases().get(0).record().snapshot().key()).isEqualTo(second.key());
    assertThat(moves.databases().get(0).held()).isEmpty();
    assertThat(converged.databases().get(0).step()).isEqualTo(RecordStep.KEEP);
    assertThat(converged.databases().get(0).expired()).isEmpty();
  }

  private static RetentionPlan plan(Retainer retainer, RetentionPolicy policy, Instant now) {
    return retainer.plan(List.of("shop"), policy, Duration.ZERO, now);
  }

  @Test
  void shouldKeepWhatIsYoungerThanTheGracePeriodAndSayWhy() {
    RetentionFixture f = new RetentionFixture(dir, 150, 10, 0.4, 0.8);
    RetentionPlan plan =
        new Retainer(f.store(), "retention-test")
            .plan(
                List.of("shop"),
                new RetentionPolicy.KeepSnapshots(1),
                Duration.ofHours(1),
                Instant.now());
    RetentionPlan.DatabasePlan shop = plan.databases().get(0);
    assertThat(shop.step()).isEqualTo(RecordStep.WRITE);
    assertThat(shop.delete()).isEmpty();
    assertThat(shop.held())
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.heldBy()).isEqualTo("younger than --min-age PT1H"));
  }

  @Test
  void shouldLoadTheSameHeadAndGoOnArchivingWhenRetentionExpiredTheStartOfTheChain()
      throws Exception {
    RetentionFixture f = new RetentionFixture(dir, 200, 12, 0.5, 1.0);
    ArchiveWriter writer = new ArchiveWriter(f.store(), "test");
    StreamId a = new StreamId("shop", "a.changes", 0);
    StreamId b = new StreamId("shop", "b.changes", 1);
    StreamHead headA = writer.loadHead(a);
    StreamHead headB = writer.loadHead(b);
    // Keep one: the floor is the snapshot of the whole history, at the heads themselves.
    new Retainer(f.store(), "retention-test")
        .apply(RetentionFixture.plan(f.store(), new RetentionPolicy.KeepSnapshots(1)));
    Retention record = new ArchiveReader(f.store()).retention("shop").orElseThrow();
    assertThat(record.firstSeq(a) + record.firstSeq(b)).isPositive();

    assertThat(writer.loadHead(a)).isEqualTo(headA);
    assertThat(writer.loadHead(b)).isEqualTo(headB);
    long lsn = f.lastLsn() + 5;
    var record1 = f.history.transactions;
    var next =
        io.walstream.schemas.avro.ChangeRecord.newBuilder(record1.get(record1.size() - 1).get(0))
            .setLsn(lsn)
            .setTxIndex(0)
            .setTxLast(true)
            .setCommitTime(RestorerTest.T0.plusSeconds(lsn))
            .build();
    long offset = headA.lastSourceOffset() + 1;
    CommitResult result =
        writer.commit(headA, Batch.of(List.of(next), offset, offset, offset, null));
    assertThat(result).isInstanceOf(CommitResult.Committed.class);
    assertThat(((CommitResult.Committed) result).head().seq()).isEqualTo(headA.seq() + 1);
    f.history.transactions.add(List.of(next));
    f.assertRestores(f.store(), new RestoreTarget.Latest());
    assertThat(RetentionFixture.verifyErrors(f.store())).isEmpty();
    assertThat(f.snapshots.get(1).made()).isEqualTo(SnapshotBuilder.Made.CREATED);
  }

  @Test
  void shouldStillDetectTamperingOfEveryRetainedObjectWhenTheRetainedArchiveVerifiesClean() {
    RetentionFixture f = new RetentionFixture(dir, 120, 14, 0.3, 0.6, 0.85);
    new Retainer(f.store(), "retention-test").apply(RetentionFixture.plan(f.store(), KEEP_TWO));
    InMemoryObjectStore store = (InMemoryObjectStore) f.store();
    assertThat(RetentionFixture.verifyErrors(store)).isEmpty();

    int tampered = 0;
    for (String key : RetentionFixture.keys(store)) {
      byte[] original = store.readAll(key).orElseThrow();
      var parsed = io.walstream.archive.layout.ArchiveLayout.parse(key).orElse(null);
      if (parsed instanceof io.walstream.archive.layout.ArchiveKey.StreamIndex
          || parsed instanceof io.walstream.archive.layout.ArchiveKey.PartitionIndex) {
        // Index entries are read for their presence only (FORMAT §1); their bytes carry nothing.
        continue;
      }
      byte[] flipped = original.clone();
      flipped[flipped.length / 2] ^= 0x20;
      store.corrupt(key, flipped);
      assertThat(RetentionFixture.verifyErrors(store)).as("tampered %s", key).isNotEmpty();
      store.corrupt(key, original);
      tampered++;
    }
    assertThat(tampered).isGreaterThan(10);
    // Without its record the expired objects would be missing ones: never guessed as expired.
    String record = new ArchiveReader(store).retention("shop").orElseThrow().key();
    byte[] bytes = store.readAll(record).orElseThrow();
    store.delete(record);
    assertThat(RetentionFixture.verifyErrors(store))
        .anySatisfy(e -> assertThat(e.kind()).isEqualTo(Finding.Kind.MISSING_MANIFEST));
    assertThatThrownBy(() -> f.restore(store, new RestoreTarget.Latest()))
        .isInstanceOf(io.walstream.archive.error.IntegrityException.class)
        .hasMessageContaining("manifest 0 is missing");
    store.putIfAbsent(record, io.walstream.archive.store.ObjectContent.ofBytes(bytes));
    assertThat(RetentionFixture.keys(store)).anyMatch(k -> k.contains("/retention/"));
    assertThat(RetentionFixture.verifyErrors(store)).isEmpty();
  }

  @Test
  void shouldReportARetentionRecordThatDisagreesWithItsSnapshotOrChain() {
    RetentionFixture f = new RetentionFixture(dir, 120, 15, 0.3, 0.6, 0.85);
    new Retainer(f.store(), "retention-test").apply(RetentionFixture.plan(f.store(), KEEP_TWO));
    InMemoryObjectStore store = (InMemoryObjectStore) f.store();
    Retention good = new ArchiveReader(store).retention("shop").orElseThrow();
    Retention.StreamFloor floor = good.streams().get(0);
    List<Retention> wrong =
        List.of(
            // A floor one seq higher than the snapshot covers.
            new Retention(
                good.database(),
                good.snapshot(),
                List.of(
                    new Retention.StreamFloor(
                        floor.topic(),
                        floor.partition(),
                        floor.seq() + 1,
                        floor.manifestSha256(),
                        floor.last(),
                        floor.lastSourceOffset()),
                    good.streams().get(1)),
                good.writerVersion(),
                good.writerId()),
            // Another snapshot hash.
            new Retention(
                good.database(),
                new Retention.SnapshotRef(
                    good.snapshot().key(),
                    good.snapshot().lsn(),
                    "0".repeat(64),
                    good.snapshot().commitTime(),
                    good.snapshot().maxCommitTime()),
                good.streams(),
                good.writerVersion(),
                good.writerId()));
    for (Retention record : wrong) {
      store.corrupt(record.key(), io.walstream.archive.format.RetentionCodec.encode(record));
      assertThat(RetentionFixture.verifyErrors(store))
          .anySatisfy(e -> assertThat(e.kind()).isEqualTo(Finding.Kind.RETENTION_MISMATCH));
    }
    store.corrupt(good.key(), io.walstream.archive.format.RetentionCodec.encode(good));
    assertThat(RetentionFixture.verifyErrors(store)).isEmpty();
  }
}
