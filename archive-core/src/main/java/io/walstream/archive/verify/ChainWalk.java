package io.walstream.archive.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestCodec;
import io.walstream.archive.format.Position;
import io.walstream.archive.format.Retention;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.verify.Finding.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest rules of docs/FORMAT.md §7 (1, 2 and 5) for one stream, fed its manifests in seq
 * order: each in its place, canonical and of a known version, linked to its predecessor by hash,
 * with LSNs and source offsets never going back. The one implementation of these rules: {@code
 * verify} reports what it returns, restores stop at its first error.
 */
public final class ChainWalk {
  /**
   * What one manifest came to.
   *
   * @param manifest the manifest, or null when it could not be read as one of this stream's
   * @param findings what is wrong with it (a GAP manifest is a warning)
   */
  public record Step(StoredManifest manifest, List<Finding> findings) {
    public Step {
      findings = List.copyOf(findings);
    }

    /** The first error, or null. */
    public Finding firstError() {
      return findings.stream().filter(Finding::isError).findFirst().orElse(null);
    }
  }

  private final StreamId stream;
  private final long floorSeq;
  private final String floorSha;
  private long expectedSeq;
  private String previousSha;
  private Long previousLastOffset;
  private Position previousLast;
  private long previousHandledThrough = -1;

  /** A walk of the whole chain, from seq 0. */
  public ChainWalk(StreamId stream) {
    this.stream = stream;
    this.floorSeq = 0;
    this.floorSha = null;
  }

  /**
   * A walk from a retention floor: the chain starts at {@code floor}'s seq, whose manifest must
   * hash to the one the record names (it is the link to everything expired before it).
   */
  public ChainWalk(StreamId stream, Retention.StreamFloor floor) {
    this.stream = stream;
    this.floorSeq = floor.seq();
    this.floorSha = floor.manifestSha256();
    this.expectedSeq = floor.seq();
    this.previousLastOffset = floor.lastSourceOffset();
    this.previousLast = floor.last();
  }

  /** A walk of {@code stream} from where {@code retention} (may be null) starts its chain. */
  public static ChainWalk of(StreamId stream, Retention retention) {
    Retention.StreamFloor floor = retention == null ? null : retention.floorOf(stream);
    return floor == null ? new ChainWalk(stream) : new ChainWalk(stream, floor);
  }

  /** The first seq of the chain: 0, or the retention floor. */
  public long firstSeq() {
    return floorSeq;
  }

  /** The seq the walk expects next. */
  public long expectedSeq() {
    return expectedSeq;
  }

  /**
   * A finding for the manifests missing before {@code seq} (empty when it is the one expected); the
   * next manifest's link cannot then be checked.
   */
  public List<Finding> missingBefore(long seq) {
    if (seq <= expectedSeq) {
      return List.of();
    }
    String missing = ArchiveLayout.manifestKey(stream, expectedSeq);
    List<Finding> findings =
        List.of(
            Finding.of(
                Kind.MISSING_MANIFEST,
                missing,
                "seq "
                    + expectedSeq
                    + (seq - 1 > expectedSeq ? " to " + (seq - 1) : "")
                    + " missing before seq "
                    + seq));
    previousSha = null;
    expectedSeq = seq;
    return findings;
  }

  /** A manifest listed at {@code seq} but gone when read: a hole like any other. */
  public Step vanished(String key, long seq) {
    previousSha = null;
    expectedSeq = seq + 1;
    return new Step(
        null, List.of(Finding.of(Kind.MISSING_MANIFEST, key, "listed but gone when read")));
  }

  /** Checks the manifest stored at {@code key} for {@code seq} (after {@link #missingBefore}). */
  public Step accept(String key, long seq, byte[] bytes) {
    String sha = Sha256.hex(bytes);
    String expectedPrev = previousSha;
    previousSha = sha;
    expectedSeq = seq + 1;
    Manifest manifest;
    try {
      manifest = ManifestCodec.decode(bytes, key);
    } catch (UnknownFormatException e) {
      return new Step(null, List.of(Finding.of(Kind.UNKNOWN_FORMAT, key, e.getMessage())));
    } catch (IntegrityException e) {
      return new Step(null, List.of(Finding.of(Kind.MALFORMED_MANIFEST, key, e.getMessage())));
    }
    if (!manifest.stream().equals(stream) || manifest.seq() != seq) {
      return new Step(
          null,
          List.of(
              Finding.of(
                  Kind.MISPLACED_MANIFEST,
                  key,
                  "claims seq " + manifest.seq() + " of " + manifest.stream() + " at seq " + seq)));
    }
    List<Finding> findings = new ArrayList<>();
    checkLink(key, manifest, sha, expectedPrev, findings);
    checkOrder(key, manifest, findings);
    checkContent(key, seq, manifest, findings);
    return new Step(new StoredManifest(key, manifest, sha), findings);
  }

  /**
   * The manifest at a retention floor must be the one the record names; any later one must link to
   * its predecessor's hash (when that predecessor was read).
   */
  private void checkLink(
      String key, Manifest manifest, String sha, String expectedPrev, List<Finding> findings) {
    long seq = manifest.seq();
    if (seq == floorSeq && floorSha != null && !floorSha.equals(sha)) {
      findings.add(
          Finding.of(
              Kind.RETENTION_MISMATCH,
              key,
              "the retention floor of "
                  + stream
                  + " is this manifest with sha256 "
                  + floorSha
                  + ", but it hashes to "
                  + sha));
    }
    if (seq > floorSeq
        && expectedPrev != null
        && !expectedPrev.equals(manifest.link().prevManifestSha256())) {
      findings.add(
          Finding.of(
              Kind.CHAIN_LINK_MISMATCH,
              key,
              "prevManifestSha256 "
                  + manifest.link().prevManifestSha256()
                  + " but manifest "
                  + (seq - 1)
                  + " hashes to "
                  + expectedPrev));
    }
  }

  /** A gap is reported; a segment manifest must name the segment key its seq and hash make. */
  private void checkContent(String key, long seq, Manifest manifest, List<Finding> findings) {
    if (manifest instanceof Manifest.Segment segment) {
      String expectedKey = ArchiveLayout.segmentKey(stream, seq, segment.segment().sha256());
      if (!expectedKey.equals(segment.segment().key())) {
        findings.add(
            Finding.of(
                Kind.MALFORMED_MANIFEST,
                key,
                "segmentKey " + segment.segment().key() + " does not match its seq and hash"));
      }
      return;
    }
    findings.add(
        Finding.of(
            Kind.GAP,
            key,
            "source offsets "
                + manifest.offsets().first()
                + " to "
                + manifest.offsets().last()
                + " of "
                + stream.topic()
                + "-"
                + stream.partition()
                + " are missing (recorded gap)"));
  }

  private void checkOrder(String key, Manifest manifest, List<Finding> findings) {
    long handledThrough = manifest.offsets().handledThrough();
    if (handledThrough < previousHandledThrough) {
      findings.add(
          Finding.of(
              Kind.OFFSET_REGRESSION,
              key,
              "handledThroughOffset " + handledThrough + " < previous " + previousHandledThrough));
    }
    previousHandledThrough = Math.max(previousHandledThrough, handledThrough);
    if (!(manifest instanceof Manifest.Segment segment)) {
      return;
    }
    Long lastOffset = previousLastOffset;
    Position last = previousLast;
    previousLastOffset = segment.offsets().last();
    previousLast = segment.last();
    if (last == null || (floorSha != null && segment.seq() == floorSeq)) {
      // The floor's own records are the last ones the retention record names: nothing to compare.
      return;
    }
    if (segment.offsets().first() <= lastOffset) {
      findings.add(
          Finding.of(
              Kind.OFFSET_REGRESSION,
              key,
              "firstSourceOffset "
                  + segment.offsets().first()
                  + " <= previous last "
                  + lastOffset));
    }
    if (!segment.first().isAfter(last)) {
      findings.add(
          Finding.of(
              Kind.LSN_REGRESSION,
              key,
              String.format(
                  "first (lsn %d, txIndex %d) not after previous last (lsn %d, txIndex %d)",
                  segment.first().lsn(), segment.first().txIndex(), last.lsn(), last.txIndex())));
    }
  }
}
