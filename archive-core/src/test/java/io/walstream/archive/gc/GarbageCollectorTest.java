package io.walstream.archive.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.format.EncodedSegment;
import io.walstream.archive.format.SegmentWriter;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.format.SnapshotCodec;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.testing.Records;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.schemas.avro.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leftovers found, aged, deleted exactly as planned; committed objects never touched. */
class GarbageCollectorTest {
  private static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);
  private static final Duration HOUR = Duration.ofHours(1);
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final ArchiveWriter writer = new ArchiveWriter(store, "test");
  private String lostClaim;
  private String uncommitted;
  private String chunk;

  @BeforeEach
  void archiveWithLeftovers() {
    Records.archive(writer, SHOP, 100, 4, 3, 2);
    // A segment for seq 1 that lost the claim to the one manifest 1 names.
    EncodedSegment other = SegmentWriter.encode(SHOP, 1, Records.transactions("shop", 500, 2, 2));
    lostClaim = ArchiveLayout.segmentKey(SHOP, 1, other.summary().sha256());
    store.putIfAbsent(lostClaim, ObjectContent.ofBytes(other.bytes()));
    // A cut of seq 4 whose manifest was never claimed.
    EncodedSegment cut = SegmentWriter.encode(SHOP, 4, Records.transactions("shop", 600, 2, 2));
    uncommitted = ArchiveLayout.segmentKey(SHOP, 4, cut.summary().sha256());
    store.putIfAbsent(uncommitted, ObjectContent.ofBytes(cut.bytes()));
    chunk = ArchiveLayout.snapshotChunkKey("shop", Sha256.hex(new byte[] {7}));
    store.putIfAbsent(chunk, ObjectContent.ofBytes(new byte[] {7}));
  }

  private GcPlan plan(Instant now) {
    return new GarbageCollector(store).plan(List.of(), HOUR, now);
  }

  @Test
  void shouldKeepLeftoversYoungerThanTheGracePeriod() {
    GcPlan plan = plan(Instant.now());

    assertThat(plan.remove()).isEmpty();
    assertThat(plan.tooYoung())
        .extracting(Leftover::key)
        .containsExactlyInAnyOrder(lostClaim, uncommitted, chunk);
    assertThat(plan.skipped()).isEmpty();
  }

  @Test
  void shouldRemoveExactlyThePlannedLeftoversAndLeaveACleanArchive() {
    long objectsBefore = store.list("", null, 1000).objects().size();
    GcPlan plan = plan(Instant.now().plus(Duration.ofHours(2)));

    List<Leftover> removed = new GarbageCollector(store).apply(plan);

    assertThat(plan.remove())
        .extracting(Leftover::key)
        .containsExactlyInAnyOrder(lostClaim, uncommitted, chunk);
    assertThat(plan.remove())
        .filteredOn(l -> l.key().equals(lostClaim))
        .singleElement()
        .satisfies(l -> assertThat(l.why()).contains("names another segment"));
    assertThat(plan.remove())
        .filteredOn(l -> l.key().equals(uncommitted))
        .singleElement()
        .satisfies(l -> assertThat(l.why()).contains("no manifest claims seq 4"));
    assertThat(removed).containsExactlyElementsOf(plan.remove());
    assertThat(plan.bytes())
        .isEqualTo(removed.stream().mapToLong(Leftover::size).sum())
        .isPositive();
    assertThat(store.list("", null, 1000).objects()).hasSize((int) objectsBefore - 3);
    assertThat(new ChainVerifier(store).verifyAll().findings())
        .extracting(Finding::kind)
        .doesNotContain(Finding.Kind.UNCOMMITTED_SEGMENT, Finding.Kind.UNCOMMITTED_SNAPSHOT_CHUNK);
    assertThat(new ChainVerifier(store).verifyAll().clean()).isTrue();
  }

  @Test
  void shouldKeepALeftoverThatAManifestClaimedAfterThePlanWasMade() {
    StreamHead head = writer.loadHead(SHOP);
    List<ChangeRecord> records = Records.transactions("shop", 600, 2, 2);
    GcPlan plan = plan(Instant.now().plus(Duration.ofHours(2)));
    // The cut in flight commits: manifest 4 now names the segment the plan listed.
    CommitResult result = writer.commit(head, Records.batch(records, head.lastSourceOffset() + 1));

    List<Leftover> removed = new GarbageCollector(store).apply(plan);

    assertThat(result).isInstanceOf(CommitResult.Committed.class);
    assertThat(plan.remove()).extracting(Leftover::key).contains(uncommitted);
    assertThat(removed).extracting(Leftover::key).doesNotContain(uncommitted);
    assertThat(store.stat(uncommitted)).isPresent();
    assertThat(new ChainVerifier(store).verify(SHOP).clean()).isTrue();
  }

  @Test
  void shouldKeepChunksHoweverOldWhileASnapshotBuildHoldsALease() {
    Instant later = Instant.now().plus(Duration.ofHours(2));
    GcPlan building;
    try (var lease =
        new io.walstream.archive.retention.Leases(store)
            .acquire("shop", "snapshot-1", "snapshot", Duration.ofHours(3))) {
      building = plan(later);
    }
    GcPlan done = plan(later);

    assertThat(building.remove())
        .extracting(Leftover::key)
        .containsExactlyInAnyOrder(lostClaim, uncommitted);
    assertThat(building.tooYoung()).extracting(Leftover::key).containsExactly(chunk);
    assertThat(done.remove()).extracting(Leftover::key).contains(chunk);
  }

  @Test
  void shouldKeepAChunkThatASnapshotNamedAfterThePlanWasMade() {
    GcPlan plan = plan(Instant.now().plus(Duration.ofHours(2)));
    // The build in flight commits: a snapshot now names the chunk the plan listed.
    Snapshot snapshot =
        new Snapshot(
            "shop",
            105,
            0,
            0,
            List.of(),
            new Snapshot.CatalogPosition(0, "0".repeat(64)),
            List.of(),
            List.of(new Snapshot.Chunk("orders", chunk, Sha256.hex(new byte[] {7}), 1, 1)),
            Snapshot.Incomplete.NONE,
            List.of(),
            null,
            "0.1.0",
            "test");
    store.putIfAbsent(snapshot.key(), ObjectContent.ofBytes(SnapshotCodec.encode(snapshot)));

    List<Leftover> removed = new GarbageCollector(store).apply(plan);

    assertThat(plan.remove()).extracting(Leftover::key).contains(chunk);
    assertThat(removed).extracting(Leftover::key).containsExactlyInAnyOrder(lostClaim, uncommitted);
    assertThat(store.stat(chunk)).isPresent();
  }

  @Test
  void shouldLeaveADatabaseAloneWhenAManifestBelowItsHeadIsMissing() {
    store.delete(ArchiveLayout.manifestKey(SHOP, 1));

    GcPlan plan = plan(Instant.now().plus(Duration.ofHours(2)));

    assertThat(plan.remove()).isEmpty();
    assertThat(plan.skipped())
        .singleElement()
        .satisfies(s -> assertThat(s).startsWith("shop: manifest 1 of").contains("a hole"));
    assertThat(new GarbageCollector(store).apply(plan)).isEmpty();
    assertThat(store.stat(lostClaim)).isPresent();
  }
}
