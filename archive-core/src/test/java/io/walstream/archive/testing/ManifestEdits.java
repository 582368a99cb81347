package io.walstream.archive.testing;

import io.walstream.archive.format.Manifest;

/**
 * Copies of a manifest (or snapshot) with a few fields changed, for tests that forge or edit them.
 */
public final class ManifestEdits {
  private ManifestEdits() {}

  /** {@code m} naming another segment object. */
  public static Manifest.Segment withSegment(
      Manifest.Segment m, String segmentKey, long byteSize, String segmentSha256) {
    Manifest.SegmentRef s = m.segment();
    return with(
        m,
        new Manifest.SegmentRef(
            segmentKey,
            segmentSha256,
            byteSize,
            s.codec(),
            s.encryption(),
            s.schemaFingerprints()));
  }

  /** {@code m} with {@code encryption} recorded. */
  public static Manifest.Segment withEncryption(
      Manifest.Segment m, Manifest.Encryption encryption) {
    Manifest.SegmentRef s = m.segment();
    return with(
        m,
        new Manifest.SegmentRef(
            s.key(), s.sha256(), s.byteSize(), s.codec(), encryption, s.schemaFingerprints()));
  }

  /** {@code m} linked to a predecessor hashing to {@code prevManifestSha256}. */
  public static Manifest.Segment withPrevious(Manifest.Segment m, String prevManifestSha256) {
    Manifest.ChainLink link = m.link();
    return new Manifest.Segment(
        new Manifest.ChainLink(
            link.stream(), link.seq(), prevManifestSha256, link.writerVersion(), link.writerId()),
        m.topicId(),
        m.offsets(),
        m.first(),
        m.last(),
        m.commitTimes(),
        m.recordCount(),
        m.segment());
  }

  /** {@code s} with {@code chunks} instead of its own. */
  public static io.walstream.archive.format.Snapshot withChunks(
      io.walstream.archive.format.Snapshot s,
      java.util.List<io.walstream.archive.format.Snapshot.Chunk> chunks) {
    return new io.walstream.archive.format.Snapshot(
        s.database(),
        s.lsn(),
        s.commitTime(),
        s.maxCommitTime(),
        s.streams(),
        s.catalog(),
        s.tables(),
        chunks,
        s.incomplete(),
        s.gaps(),
        s.prevSnapshotSha256(),
        s.writerVersion(),
        s.writerId());
  }

  private static Manifest.Segment with(Manifest.Segment m, Manifest.SegmentRef segment) {
    return new Manifest.Segment(
        m.link(),
        m.topicId(),
        m.offsets(),
        m.first(),
        m.last(),
        m.commitTimes(),
        m.recordCount(),
        segment);
  }
}
