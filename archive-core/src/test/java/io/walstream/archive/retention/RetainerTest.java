package io.walstream.archive.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Retention;
import io.walstream.archive.format.RetentionCodec;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.format.SnapshotChunks;
import io.walstream.archive.format.SnapshotCodec;
import io.walstream.archive.gc.GarbageCollector;
import io.walstream.archive.gc.GcPlan;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.verify.Anchor;
import io.walstream.archive.verify.AnchorCheck;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.verify.Finding.Kind;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.schemas.avro.SnapshotRow;
import io.walstream.schemas.value.ValueType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention over one stream of six segments (lsn 100..117, three transactions each) with snapshots
 * at lsn 105 (covering seq 1) and 111 (seq 3), and what every reader makes of it; each rule of
 * docs/FORMAT.md section 10 broken once, the finding's kind and key exact.
 */
class RetainerTest {
  private static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final ArchiveReader reader = new ArchiveReader(store);
  private StreamHead head;

  @BeforeEach
  void archiveAndSnapshot() {
    Records.archive(new ArchiveWriter(store, "test"), SHOP, 100, 6, 3, 2);
    head = reader.loadHead(SHOP);
    snapshot(store, 105, 1);
    snapshot(store, 111, 3);
  }

  /** Stores a snapshot at {@code lsn} covering seq {@code seq} of SHOP, with a one-row chunk. */
  static void snapshot(ObjectStore store, long lsn, long seq) {
    byte[] chunk =
        SnapshotChunks.write(
            "shop",
            "orders",
            lsn,
            List.of(
                SnapshotChunks.encodeRow(new SnapshotRow(Map.of("id", lsn), Map.of("id", lsn)))));
    String sha = Sha256.hex(chunk);
    String chunkKey = ArchiveLayout.snapshotChunkKey("shop", sha);
    store.putIfAbsent(chunkKey, ObjectContent.ofBytes(chunk));
    StoredManifest covered = new ArchiveReader(store).readManifest(SHOP, seq).orElseThrow();
    Snapshot s =
        new Snapshot(
            "shop",
            lsn,
            0,
            0,
            List.of(
                new Snapshot.StreamPosition(
                    SHOP.topic(),
                    SHOP.partition(),
                    seq,
                    covered.sha256(),
                    ((Manifest.Segment) covered.manifest()).last())),
            new Snapshot.CatalogPosition(0, "0".repeat(64)),
            List.of(
                new Snapshot.Table(
                    "orders",
                    List.of(new Snapshot.Column("id", ValueType.LONG)),
                    List.of(new Snapshot.Column("id", ValueType.LONG)),
                    1,
                    chunk.length)),
            List.of(new Snapshot.Chunk("orders", chunkKey, sha, chunk.length, 1)),
            Snapshot.Incomplete.NONE,
            List.of(),
            null,
            "0.1.0",
            "test");
    store.putIfAbsent(s.key(), ObjectContent.ofBytes(SnapshotCodec.encode(s)));
  }

  private RetentionPlan plan() {
    return new Retainer(store, "retainer-test")
        .plan(List.of("shop"), new RetentionPolicy.KeepSnapshots(1), Duration.ZERO, Instant.now());
  }

  private List<Expiry> run() {
    return new Retainer(store, "retainer-test").apply(plan());
  }

  private List<Finding> findings() {
    return new ChainVerifier(store)
        .verifyDatabase("shop").findings().stream()
            .filter(f -> f.kind() != Kind.INCOMPLETE_TRANSACTION)
            .toList();
  }

  private Retention record() {
    return reader.retention("shop").orElseThrow();
  }

  @Test
  void shouldExpireWhatTheFloorSnapshotCoversAndLeaveEveryReaderAgreeing() {
    List<Expiry> deleted = run();

    assertThat(deleted)
        .extracting(Expiry::key)
        .contains(
            ArchiveLayout.snapshotKey("shop", 105),
            ArchiveLayout.manifestKey(SHOP, 0),
            ArchiveLayout.manifestKey(SHOP, 2))
        .doesNotContain(ArchiveLayout.manifestKey(SHOP, 3));
    assertThat(record().firstSeq(SHOP)).isEqualTo(3);
    assertThat(findings()).isEmpty();
    assertThat(reader.loadHead(SHOP)).isEqualTo(head);
    assertThat(new Snapshots(reader).list("shop"))
        .singleElement()
        .satisfies(s -> assertThat(s.snapshot().lsn()).isEqualTo(111));
    GcPlan gc = new GarbageCollector(store).plan(List.of("shop"), Duration.ZERO, Instant.now());
    assertThat(gc.skipped()).isEmpty();
    assertThat(gc.remove()).isEmpty();
  }

  @Test
  void shouldExpireSignaturesBelowTheFloorAndStillVerifyWithThePublicKey(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path keys) {
    InMemoryObjectStore signed = new InMemoryObjectStore();
    java.nio.file.Path signingKey = keys.resolve("signing.json");
    java.nio.file.Path publicKey = io.walstream.archive.crypto.ManifestSigner.create(signingKey);
    Records.archive(
        new ArchiveWriter(
            signed,
            "test",
            3,
            io.walstream.archive.crypto.Keyring.none(),
            io.walstream.archive.crypto.ManifestSigner.load(signingKey)),
        SHOP,
        100,
        6,
        3,
        2);
    snapshot(signed, 105, 1);
    snapshot(signed, 111, 3);
    String first = ArchiveLayout.manifestKey(SHOP, 0);
    String firstSignature =
        ArchiveLayout.signatureKey(first, Sha256.hex(signed.readAll(first).orElseThrow()));
    Retainer retainer = new Retainer(signed, "retainer-test");

    List<Expiry> deleted =
        retainer.apply(
            retainer.plan(
                List.of("shop"),
                new RetentionPolicy.KeepSnapshots(1),
                Duration.ZERO,
                Instant.now()));

    assertThat(deleted).extracting(Expiry::key).contains(first, firstSignature);
    List<String> left = new java.util.ArrayList<>();
    new ArchiveReader(signed).forEachKey(ArchiveLayout.streamPrefix(SHOP), o -> left.add(o.key()));
    assertThat(left)
        .noneMatch(
            k ->
                ArchiveLayout.parse(k).orElse(null) instanceof ArchiveKey.ManifestSignature g
                    && g.seq() < 3)
        .anyMatch(k -> ArchiveLayout.parse(k).orElse(null) instanceof ArchiveKey.ManifestSignature);
    assertThat(
            new ChainVerifier(
                    new ArchiveReader(
                        signed,
                        io.walstream.archive.crypto.Keyring.none(),
                        io.walstream.archive.verify.SignatureCheck.load(publicKey)))
                .verifyDatabase("shop")
                .errors())
        .isEmpty();
  }

  @Test
  void shouldReportExpiredObjectsALeaseKeptAsInformationOnly() {
    try (HeldLease lease =
        new Leases(store).acquire("shop", "restore-1", "restore", Duration.ofMinutes(5))) {
      RetentionPlan plan = plan();
      assertThat(plan.databases().get(0).held()).isNotEmpty();
      assertThat(new Retainer(store, "retainer-test").apply(plan)).isEmpty();

      assertThat(findings())
          .isNotEmpty()
          .allSatisfy(f -> assertThat(f.kind()).isEqualTo(Kind.EXPIRED))
          .anySatisfy(f -> assertThat(f.key()).isEqualTo(ArchiveLayout.snapshotKey("shop", 105)))
          .anySatisfy(f -> assertThat(f.key()).startsWith(ArchiveLayout.streamPrefix(SHOP)));
      assertThat(new ChainVerifier(store).verifyDatabase("shop").clean()).isTrue();
    }
  }

  @Test
  void shouldReportTheFloorManifestMissingNotExpired() {
    run();
    store.delete(ArchiveLayout.manifestKey(SHOP, 3));

    assertThat(findings())
        .anySatisfy(
            f -> {
              assertThat(f.kind()).isEqualTo(Kind.MISSING_MANIFEST);
              assertThat(f.key()).isEqualTo(ArchiveLayout.manifestKey(SHOP, 3));
            });
  }

  @Test
  void shouldReportAFloorThatIsNotTheManifestTheArchiveHolds() {
    run();
    Retention good = record();
    Retention.StreamFloor f = good.streams().get(0);
    Retention wrong =
        new Retention(
            "shop",
            good.snapshot(),
            List.of(
                new Retention.StreamFloor(
                    f.topic(),
                    f.partition(),
                    f.seq(),
                    "9".repeat(64),
                    f.last(),
                    f.lastSourceOffset())),
            good.writerVersion(),
            good.writerId());
    store.corrupt(good.key(), RetentionCodec.encode(wrong));

    assertThat(findings())
        .anySatisfy(
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.RETENTION_MISMATCH);
              assertThat(x.key()).isEqualTo(ArchiveLayout.manifestKey(SHOP, 3));
            })
        .anySatisfy(
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.RETENTION_MISMATCH);
              assertThat(x.key()).isEqualTo(good.key());
            });
  }

  @Test
  void shouldReportAFloorSnapshotThatIsGone() {
    run();
    store.delete(ArchiveLayout.snapshotKey("shop", 111));

    assertThat(findings())
        .anySatisfy(
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.RETENTION_MISMATCH);
              assertThat(x.key()).isEqualTo(record().key());
              assertThat(x.detail()).contains("not stored");
            });
  }

  @Test
  void shouldReportAMalformedRecordAndOneOfAnUnknownVersion() {
    run();
    String key = record().key();
    byte[] good = store.readAll(key).orElseThrow();
    String json = new String(good, StandardCharsets.UTF_8);

    store.corrupt(
        key, json.replace("\"writerId\"", "\"writerID\"").getBytes(StandardCharsets.UTF_8));
    List<Finding> malformed = findings();
    store.corrupt(
        key,
        json.replace("\"formatVersion\":1", "\"formatVersion\":9")
            .getBytes(StandardCharsets.UTF_8));
    List<Finding> unknown = findings();

    assertThat(malformed)
        .anySatisfy(
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.MALFORMED_RETENTION);
              assertThat(x.key()).isEqualTo(key);
              assertThat(x.detail()).contains("unknown field 'writerID'");
            });
    assertThat(unknown)
        .anySatisfy(
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.UNKNOWN_FORMAT);
              assertThat(x.key()).isEqualTo(key);
            });
  }

  @Test
  void shouldNotCheckAnAnchorBelowTheFloorAndStillCheckOneAboveIt() {
    String sha1 = reader.readManifest(SHOP, 1).orElseThrow().sha256();
    run();
    AnchorCheck anchors = new AnchorCheck(reader);

    assertThat(anchors.check(new Anchor(SHOP, 1, sha1))).isEmpty();
    assertThat(anchors.check(new Anchor(SHOP, 5, "8".repeat(64))))
        .singleElement()
        .satisfies(x -> assertThat(x.kind()).isEqualTo(Kind.ANCHOR_MISMATCH));
  }

  @Test
  void shouldCollectASegmentLeftBelowTheFloorAndSeeNoHole() {
    run();
    String leftover = ArchiveLayout.segmentKey(SHOP, 1, "7".repeat(64));
    store.putIfAbsent(leftover, ObjectContent.ofBytes(new byte[] {1, 2, 3}));

    GcPlan gc =
        new GarbageCollector(store)
            .plan(List.of("shop"), Duration.ZERO, Instant.now().plusSeconds(1));

    assertThat(gc.skipped()).isEmpty();
    assertThat(gc.remove()).singleElement().satisfies(l -> assertThat(l.key()).isEqualTo(leftover));
    assertThat(findings())
        .singleElement()
        .satisfies(x -> assertThat(x.kind()).isEqualTo(Kind.EXPIRED));
  }
}
