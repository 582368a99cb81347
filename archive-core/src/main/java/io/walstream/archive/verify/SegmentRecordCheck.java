package io.walstream.archive.verify;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Position;
import io.walstream.archive.format.SegmentFormat;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.verify.Finding.Kind;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.value.Values;

/**
 * The record rules of docs/FORMAT.md §7 (4) for one segment, fed its records as they are decoded:
 * the segment declares the manifest's stream and seq, records are in strictly increasing (lsn,
 * txIndex) order, and their count, first and last position and commit-time range equal the
 * manifest's. The one implementation: {@code verify} reports its findings, restores stop at the
 * first (each record is checked before it can reach a sink).
 */
public final class SegmentRecordCheck {
  private final String key;
  private final Manifest.Segment manifest;
  private long count;
  private ChangeRecord first;
  private long lastLsn;
  private int lastTxIndex;
  private long minCommit = Long.MAX_VALUE;
  private long maxCommit = Long.MIN_VALUE;

  public SegmentRecordCheck(String key, Manifest.Segment manifest) {
    this.key = key;
    this.manifest = manifest;
  }

  /** Records accepted so far. */
  public long count() {
    return count;
  }

  /** Whether the segment's metadata names the manifest's stream and seq; null when it does. */
  public Finding meta(SegmentReader reader) {
    String seq = reader.meta(SegmentFormat.META_SEQ);
    String database = reader.meta(SegmentFormat.META_DATABASE);
    String topic = reader.meta(SegmentFormat.META_TOPIC);
    String partition = reader.meta(SegmentFormat.META_PARTITION);
    boolean matches =
        Long.toString(manifest.seq()).equals(seq)
            && manifest.stream().database().equals(database)
            && manifest.stream().topic().equals(topic)
            && Integer.toString(manifest.stream().partition()).equals(partition);
    if (matches) {
      return null;
    }
    return Finding.of(
        Kind.SEGMENT_MANIFEST_MISMATCH,
        key,
        "segment declares seq "
            + seq
            + " of "
            + database
            + "@"
            + topic
            + "-"
            + partition
            + ", manifest is seq "
            + manifest.seq()
            + " of "
            + manifest.stream());
  }

  /** Takes the next record; a finding when it is not after the one before, else null. */
  public Finding accept(ChangeRecord record) {
    Finding finding = null;
    if (count > 0 && !Position.of(record).isAfter(new Position(lastLsn, lastTxIndex))) {
      finding =
          Finding.of(
              Kind.LSN_REGRESSION,
              key,
              String.format(
                  "record %d (lsn %d, txIndex %d) not after (lsn %d, txIndex %d)",
                  count, record.getLsn(), record.getTxIndex(), lastLsn, lastTxIndex));
    }
    if (first == null) {
      first = record;
    }
    lastLsn = record.getLsn();
    lastTxIndex = record.getTxIndex();
    long commit = Values.toMicros(record.getCommitTime());
    minCommit = Math.min(minCommit, commit);
    maxCommit = Math.max(maxCommit, commit);
    count++;
    return finding;
  }

  /** After the last record: a finding when the records do not match the manifest, else null. */
  public Finding finish() {
    boolean matches =
        count == manifest.recordCount()
            && first != null
            && Position.of(first).equals(manifest.first())
            && new Position(lastLsn, lastTxIndex).equals(manifest.last())
            && minCommit == manifest.commitTimes().minMicros()
            && maxCommit == manifest.commitTimes().maxMicros();
    if (matches) {
      return null;
    }
    return Finding.of(
        Kind.SEGMENT_MANIFEST_MISMATCH,
        key,
        count
            + " records from lsn "
            + (first == null ? "-" : first.getLsn())
            + " to "
            + (first == null ? "-" : lastLsn)
            + " do not match the manifest's count ("
            + manifest.recordCount()
            + "), lsn or commit-time range");
  }

  /**
   * The size and hash rules (§7, 3) for a segment's stored bytes: findings when {@code size} or
   * {@code sha256} differ from the manifest's.
   */
  public static java.util.List<Finding> stored(
      String key, Manifest.Segment manifest, long size, String sha256) {
    Manifest.SegmentRef segment = manifest.segment();
    java.util.List<Finding> findings = new java.util.ArrayList<>();
    if (size != segment.byteSize()) {
      findings.add(
          Finding.of(
              Kind.SEGMENT_SIZE_MISMATCH,
              key,
              size + " bytes, manifest says " + segment.byteSize()));
    }
    if (!sha256.equals(segment.sha256())) {
      findings.add(
          Finding.of(
              Kind.SEGMENT_HASH_MISMATCH,
              key,
              "sha256 " + sha256 + ", manifest says " + segment.sha256()));
    }
    return findings;
  }
}
