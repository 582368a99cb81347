package io.walstream.archive.testing;

import io.walstream.archive.format.Manifest;

/** Copies of a manifest with a few fields changed, for tests that forge or edit manifests. */
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
