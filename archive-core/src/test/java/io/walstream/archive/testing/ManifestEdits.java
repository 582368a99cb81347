package io.walstream.archive.testing;

import io.walstream.archive.format.Manifest;

/** Copies of a manifest with a few fields changed, for tests that forge or edit manifests. */
public final class ManifestEdits {
  private ManifestEdits() {}

  /** {@code m} naming another segment object. */
  public static Manifest withSegment(
      Manifest m, String segmentKey, long byteSize, String segmentSha256) {
    return copy(m, segmentKey, byteSize, m.encryption(), segmentSha256);
  }

  /** {@code m} with {@code encryption} recorded. */
  public static Manifest withEncryption(Manifest m, Manifest.Encryption encryption) {
    return copy(m, m.segmentKey(), m.byteSize(), encryption, m.segmentSha256());
  }

  private static Manifest copy(
      Manifest m,
      String segmentKey,
      long byteSize,
      Manifest.Encryption encryption,
      String segmentSha256) {
    return new Manifest(
        m.formatVersion(),
        m.kind(),
        m.stream(),
        m.topicId(),
        m.seq(),
        m.firstLsn(),
        m.firstTxIndex(),
        m.lastLsn(),
        m.lastTxIndex(),
        m.minCommitTimeMicros(),
        m.maxCommitTimeMicros(),
        m.recordCount(),
        m.firstSourceOffset(),
        m.lastSourceOffset(),
        m.handledThroughOffset(),
        segmentKey,
        byteSize,
        m.codec(),
        encryption,
        m.schemaFingerprints(),
        segmentSha256,
        m.prevManifestSha256(),
        m.writerVersion(),
        m.writerId());
  }
}
