package io.walstream.archive.format;

import io.walstream.archive.layout.StreamId;
import java.util.List;
import java.util.Objects;

/**
 * A manifest: the commit record of one position ({@code seq}) in a stream's chain. Its canonical
 * JSON bytes are what the archive stores and what the next manifest's {@code prevManifestSha256}
 * hashes; see {@link ManifestCodec} and docs/FORMAT.md.
 *
 * <p>A {@link Segment} names a segment of records; a {@link Gap} records, explicitly and visibly, a
 * range of source offsets the archive could not obtain. Both share the {@link ChainLink} and the
 * {@link OffsetRange} they account for. {@link ManifestField} maps both to the one flat field list
 * of the stored form.
 */
public sealed interface Manifest permits Manifest.Segment, Manifest.Gap {

  /** The only manifest format version this build writes and reads. */
  int FORMAT_VERSION = 1;

  /** Where this manifest sits in its stream's chain, and who wrote it. */
  ChainLink link();

  /** The source offsets this manifest accounts for. */
  OffsetRange offsets();

  /** What this manifest commits. */
  Kind kind();

  /** Records committed: zero for a gap. */
  long recordCount();

  /** The stream whose chain this manifest belongs to. */
  default StreamId stream() {
    return link().stream();
  }

  /** This manifest's position in its chain, from 0. */
  default long seq() {
    return link().seq();
  }

  /** The writer that claimed this manifest. */
  default String writerId() {
    return link().writerId();
  }

  /** What a manifest commits; the stored {@code kind} field. */
  enum Kind {
    SEGMENT,
    GAP
  }

  /**
   * The chain link shared by every manifest.
   *
   * @param prevManifestSha256 SHA-256 of the previous manifest's bytes; null exactly for seq 0
   */
  record ChainLink(
      StreamId stream, long seq, String prevManifestSha256, String writerVersion, String writerId) {
    public ChainLink {
      if (stream == null || writerVersion == null || writerId == null) {
        throw new IllegalArgumentException(
            "Cannot build manifest " + seq + ": stream, writerVersion and writerId are required");
      }
      if (seq < 0) {
        throw new IllegalArgumentException("Cannot build manifest of " + stream + ": negative seq");
      }
      if ((seq == 0) != (prevManifestSha256 == null)) {
        throw new IllegalArgumentException(
            "Cannot build manifest "
                + seq
                + " of "
                + stream
                + ": prevManifestSha256 must be null exactly for seq 0");
      }
      if (prevManifestSha256 != null && !Sha256.isHex(prevManifestSha256)) {
        throw new IllegalArgumentException(
            "Cannot build manifest "
                + seq
                + " of "
                + stream
                + ": prevManifestSha256 is not 64 hex digits");
      }
    }
  }

  /**
   * Source offsets of the stream's partition: {@code first..last} the manifest holds (or, for a
   * gap, lacks), and {@code handledThrough}, the highest offset of the partition the stream's
   * writer had dealt with when it committed (records of other databases included).
   */
  record OffsetRange(long first, long last, long handledThrough) {
    public OffsetRange {
      if (first < 0 || last < first || handledThrough < last) {
        throw new IllegalArgumentException(
            "Cannot build manifest offsets: need 0 <= firstSourceOffset <= lastSourceOffset <="
                + " handledThroughOffset, got "
                + first
                + ", "
                + last
                + ", "
                + handledThrough);
      }
    }
  }

  /** The smallest and largest commit time of a segment's records, in microseconds (UTC). */
  record CommitTimes(long minMicros, long maxMicros) {
    public CommitTimes {
      if (maxMicros < minMicros) {
        throw new IllegalArgumentException(
            "Cannot build manifest commit times: maxCommitTime before minCommitTime");
      }
    }
  }

  /**
   * How a segment is encrypted: the scheme, and the id of the data key (in the archive's keyset)
   * that encrypted it, an unsigned 32-bit number. See docs/FORMAT.md section 12.
   */
  record Encryption(String scheme, long keyId) {
    public Encryption {
      if (scheme == null || scheme.isEmpty()) {
        throw new IllegalArgumentException("Cannot describe encryption: no scheme");
      }
      if (keyId < 0 || keyId > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException(
            "Cannot describe encryption: key id " + keyId + " is not an unsigned 32-bit number");
      }
    }
  }

  /**
   * The segment object a manifest names: its key, the SHA-256 and size of its stored bytes, its
   * codec, its encryption (null when plaintext) and the fingerprints of the record schemas in it.
   */
  record SegmentRef(
      String key,
      String sha256,
      long byteSize,
      String codec,
      Encryption encryption,
      List<String> schemaFingerprints) {
    public SegmentRef {
      if (key == null || !Sha256.isHex(sha256)) {
        throw new IllegalArgumentException(
            "Cannot build manifest: a SEGMENT manifest needs a segment key and sha256");
      }
      if (byteSize < 0 || codec == null) {
        throw new IllegalArgumentException(
            "Cannot build manifest: segment " + key + " needs a codec and a size >= 0");
      }
      schemaFingerprints = List.copyOf(schemaFingerprints);
    }
  }

  /**
   * A manifest committing a segment of {@code recordCount} records whose positions run from {@code
   * first} to {@code last}.
   *
   * @param topicId the Kafka topic id of the source topic, or null when the writer did not know it
   */
  record Segment(
      ChainLink link,
      String topicId,
      OffsetRange offsets,
      Position first,
      Position last,
      CommitTimes commitTimes,
      long recordCount,
      SegmentRef segment)
      implements Manifest {
    public Segment {
      Objects.requireNonNull(link, "link");
      if (offsets == null || first == null || last == null || commitTimes == null) {
        throw new IllegalArgumentException(
            "Cannot build manifest " + link.seq() + " of " + link.stream() + ": a field is null");
      }
      Objects.requireNonNull(segment, "segment");
      if (recordCount <= 0 || first.isAfter(last)) {
        throw new IllegalArgumentException(
            "Cannot build manifest "
                + link.seq()
                + " of "
                + link.stream()
                + ": a SEGMENT manifest needs records with first position <= last position");
      }
    }

    @Override
    public Kind kind() {
      return Kind.SEGMENT;
    }
  }

  /**
   * A manifest recording that source offsets {@code offsets.first()..offsets.last()} of the
   * stream's partition could not be read (removed by retention, say): no segment, no records.
   */
  record Gap(ChainLink link, OffsetRange offsets) implements Manifest {
    public Gap {
      Objects.requireNonNull(link, "link");
      Objects.requireNonNull(offsets, "offsets");
    }

    @Override
    public Kind kind() {
      return Kind.GAP;
    }

    @Override
    public long recordCount() {
      return 0;
    }
  }
}
