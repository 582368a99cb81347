package io.walstream.archive.format;

import io.walstream.archive.layout.StreamId;
import java.util.List;

/**
 * A manifest: the commit record of one position ({@code seq}) in a stream's chain. Its canonical
 * JSON bytes are what the archive stores and what the next manifest's {@code prevManifestSha256}
 * hashes; see {@link ManifestCodec} and docs/FORMAT.md.
 *
 * <p>A {@link Kind#SEGMENT} manifest names a segment of records; a {@link Kind#GAP} manifest
 * records, explicitly and visibly, a range of source offsets the archive could not obtain.
 */
public record Manifest(
    int formatVersion,
    Kind kind,
    StreamId stream,
    String topicId,
    long seq,
    Long firstLsn,
    Integer firstTxIndex,
    Long lastLsn,
    Integer lastTxIndex,
    Long minCommitTimeMicros,
    Long maxCommitTimeMicros,
    long recordCount,
    long firstSourceOffset,
    long lastSourceOffset,
    long handledThroughOffset,
    String segmentKey,
    long byteSize,
    String codec,
    Encryption encryption,
    List<String> schemaFingerprints,
    String segmentSha256,
    String prevManifestSha256,
    String writerVersion,
    String writerId) {

  /** The only manifest format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** What a manifest commits. */
  public enum Kind {
    SEGMENT,
    GAP
  }

  /** How a segment is encrypted: scheme, key-encryption key name, wrapped data key (base64). */
  public record Encryption(String scheme, String keyId, String wrappedKey) {
    public Encryption {
      if (scheme == null || keyId == null || wrappedKey == null) {
        throw new IllegalArgumentException("Cannot describe encryption: a field is null");
      }
    }
  }

  public Manifest {
    schemaFingerprints = List.copyOf(schemaFingerprints);
    String problem = chainProblem(kind, stream, seq, recordCount, prevManifestSha256);
    if (problem == null) {
      problem = offsetProblem(firstSourceOffset, lastSourceOffset, handledThroughOffset);
    }
    if (problem == null) {
      problem = contentProblem(kind, recordCount, segmentKey, segmentSha256, firstLsn, lastLsn);
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          "Cannot build manifest " + seq + " of " + stream + ": " + problem);
    }
  }

  private static String chainProblem(
      Kind kind, StreamId stream, long seq, long recordCount, String prev) {
    if (kind == null || stream == null) {
      return "kind and stream are required";
    }
    if (seq < 0 || recordCount < 0) {
      return "negative seq or record count";
    }
    if ((seq == 0) != (prev == null)) {
      return "prevManifestSha256 must be null exactly for seq 0";
    }
    if (prev != null && !Sha256.isHex(prev)) {
      return "prevManifestSha256 is not 64 hex digits";
    }
    return null;
  }

  private static String offsetProblem(long firstOffset, long lastOffset, long handledThrough) {
    if (firstOffset < 0 || lastOffset < firstOffset || handledThrough < lastOffset) {
      return "need 0 <= firstSourceOffset <= lastSourceOffset <= handledThroughOffset";
    }
    return null;
  }

  private static String contentProblem(
      Kind kind,
      long recordCount,
      String segmentKey,
      String segmentSha256,
      Long firstLsn,
      Long lastLsn) {
    if (kind == Kind.SEGMENT) {
      if (segmentKey == null || !Sha256.isHex(segmentSha256)) {
        return "a SEGMENT manifest needs a segment key and sha256";
      }
      if (recordCount == 0 || firstLsn == null || lastLsn == null || lastLsn < firstLsn) {
        return "a SEGMENT manifest needs records with first lsn <= last lsn";
      }
    } else if (segmentKey != null || segmentSha256 != null || recordCount != 0) {
      return "a GAP manifest has no segment and no records";
    }
    return null;
  }
}
