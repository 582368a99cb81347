package io.walstream.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.format.SnapshotChunks;
import io.walstream.archive.format.SnapshotCodec;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.testing.Records;
import io.walstream.archive.verify.Finding.Kind;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.schemas.avro.SnapshotRow;
import io.walstream.schemas.value.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Snapshots checked by verify: each rule broken once, the finding's kind and key exact. */
class SnapshotCheckTest {
  private static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private String chunkKey;

  @BeforeEach
  void archiveAndSnapshot() {
    Records.archive(new ArchiveWriter(store, "test"), SHOP, 100, 4, 3, 2);
    store.putIfAbsent(
        ArchiveLayout.snapshotKey("shop", 105), ObjectContent.ofBytes(encode(snapshot(null))));
  }

  /** A snapshot at lsn 105 covering seq 1 (lsn 103..105), with one chunk of two rows. */
  private Snapshot snapshot(String prev) {
    List<byte[]> rows =
        List.of(
            SnapshotChunks.encodeRow(new SnapshotRow(Map.of("id", 1L), Map.of("id", 1L))),
            SnapshotChunks.encodeRow(new SnapshotRow(Map.of("id", 2L), Map.of("id", 2L))));
    byte[] chunk = SnapshotChunks.write("shop", "orders", 105, rows);
    String sha = Sha256.hex(chunk);
    chunkKey = ArchiveLayout.snapshotChunkKey("shop", sha);
    store.putIfAbsent(chunkKey, ObjectContent.ofBytes(chunk));
    StoredManifest seq1 = new ArchiveReader(store).readManifest(SHOP, 1).orElseThrow();
    Manifest.Segment segment = (Manifest.Segment) seq1.manifest();
    return new Snapshot(
        "shop",
        105,
        0,
        0,
        List.of(
            new Snapshot.StreamPosition(
                SHOP.topic(), SHOP.partition(), 1, seq1.sha256(), segment.last())),
        new Snapshot.CatalogPosition(0, "0".repeat(64)),
        List.of(
            new Snapshot.Table(
                "orders",
                List.of(new Snapshot.Column("id", ValueType.LONG)),
                List.of(new Snapshot.Column("id", ValueType.LONG)),
                2,
                chunk.length)),
        List.of(new Snapshot.Chunk("orders", chunkKey, sha, chunk.length, 2)),
        Snapshot.Incomplete.NONE,
        List.of(),
        prev,
        "0.1.0",
        "test");
  }

  private static byte[] encode(Snapshot snapshot) {
    return SnapshotCodec.encode(snapshot);
  }

  private List<Finding> findings() {
    return new ChainVerifier(store)
        .verifyDatabase("shop").findings().stream()
            .filter(f -> f.kind() != Kind.INCOMPLETE_TRANSACTION)
            .toList();
  }

  @Test
  void shouldFindNothingWhenTheSnapshotIsSound() {
    assertThat(findings()).isEmpty();
    assertThat(new ChainVerifier(store).verifyDatabase("shop").clean()).isTrue();
  }

  @Test
  void shouldReportAChunkWhoseBytesChanged() {
    byte[] bytes = store.readAll(chunkKey).orElseThrow();
    bytes[bytes.length / 2] ^= 1;
    store.corrupt(chunkKey, bytes);

    assertThat(findings())
        .singleElement()
        .satisfies(f -> assertThat(f.kind()).isEqualTo(Kind.SNAPSHOT_CHUNK_MISMATCH))
        .satisfies(f -> assertThat(f.key()).isEqualTo(chunkKey));
  }

  @Test
  void shouldReportAMissingChunk() {
    store.delete(chunkKey);

    assertThat(findings())
        .singleElement()
        .satisfies(f -> assertThat(f.kind()).isEqualTo(Kind.MISSING_SNAPSHOT_CHUNK))
        .satisfies(f -> assertThat(f.key()).isEqualTo(chunkKey));
  }

  @Test
  void shouldReportACoveredPositionTheArchiveDoesNotHold() {
    String key = ArchiveLayout.snapshotKey("shop", 105);
    Snapshot s = snapshot(null);
    Snapshot.StreamPosition p = s.streams().get(0);
    Snapshot wrong =
        new Snapshot(
            s.database(),
            s.lsn(),
            s.commitTime(),
            s.maxCommitTime(),
            List.of(
                new Snapshot.StreamPosition(
                    p.topic(), p.partition(), 2, p.manifestSha256(), p.last())),
            s.catalog(),
            s.tables(),
            s.chunks(),
            s.incomplete(),
            s.gaps(),
            null,
            "0.1.0",
            "test");
    store.corrupt(key, encode(wrong));

    assertThat(findings())
        .singleElement()
        .satisfies(f -> assertThat(f.kind()).isEqualTo(Kind.SNAPSHOT_POSITION_MISMATCH))
        .satisfies(f -> assertThat(f.detail()).contains("covers seq 2"));
  }

  @Test
  void shouldReportALinkToNoEarlierSnapshotAndAMalformedOneAndALeftoverChunk() {
    store.putIfAbsent(
        ArchiveLayout.snapshotKey("shop", 106),
        ObjectContent.ofBytes(encode(snapshotAt(106, "e".repeat(64)))));
    store.putIfAbsent(
        ArchiveLayout.snapshotKey("shop", 107),
        ObjectContent.ofBytes("{\"formatVersion\":1}".getBytes(StandardCharsets.UTF_8)));
    store.putIfAbsent(
        ArchiveLayout.snapshotKey("shop", 108),
        ObjectContent.ofBytes("{\"formatVersion\":9}".getBytes(StandardCharsets.UTF_8)));
    String leftover = ArchiveLayout.snapshotChunkKey("shop", "f".repeat(64));
    store.putIfAbsent(leftover, ObjectContent.ofBytes(new byte[] {1}));

    assertThat(findings())
        .extracting(Finding::kind, Finding::key)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Kind.SNAPSHOT_LINK_MISMATCH, ArchiveLayout.snapshotKey("shop", 106)),
            org.assertj.core.groups.Tuple.tuple(
                Kind.MALFORMED_SNAPSHOT, ArchiveLayout.snapshotKey("shop", 107)),
            org.assertj.core.groups.Tuple.tuple(
                Kind.UNKNOWN_FORMAT, ArchiveLayout.snapshotKey("shop", 108)),
            org.assertj.core.groups.Tuple.tuple(Kind.UNCOMMITTED_SNAPSHOT_CHUNK, leftover));
  }

  private Snapshot snapshotAt(long lsn, String prev) {
    Snapshot s = snapshot(prev);
    List<Snapshot.Chunk> chunks = List.of();
    return new Snapshot(
        s.database(),
        lsn,
        s.commitTime(),
        s.maxCommitTime(),
        s.streams(),
        s.catalog(),
        List.of(),
        chunks,
        s.incomplete(),
        s.gaps(),
        prev,
        "0.1.0",
        "test");
  }
}
