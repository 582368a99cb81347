package io.walstream.archive.format;

import java.util.List;

/**
 * What a written segment holds, computed in the same pass that wrote it.
 *
 * @param byteSize bytes written
 * @param sha256 SHA-256 of those bytes
 * @param recordCount records written
 * @param firstLsn lsn of the first record, null when empty
 * @param firstTxIndex txIndex of the first record, null when empty
 * @param lastLsn lsn of the last record, null when empty
 * @param lastTxIndex txIndex of the last record, null when empty
 * @param minCommitTimeMicros smallest commit time, null when empty
 * @param maxCommitTimeMicros largest commit time, null when empty
 * @param schemaFingerprints hex fingerprints of the record schemas used
 */
public record SegmentSummary(
    long byteSize,
    String sha256,
    long recordCount,
    Long firstLsn,
    Integer firstTxIndex,
    Long lastLsn,
    Integer lastTxIndex,
    Long minCommitTimeMicros,
    Long maxCommitTimeMicros,
    List<String> schemaFingerprints) {
  public SegmentSummary {
    schemaFingerprints = List.copyOf(schemaFingerprints);
    if (!Sha256.isHex(sha256)) {
      throw new IllegalArgumentException("Cannot summarise segment: bad sha256 " + sha256);
    }
  }
}
