package io.walstream.archive.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestCodec;
import io.walstream.archive.format.SegmentWriter;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectInfo;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.Finding.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Walks a stream's chain in key order and reports what it finds (DESIGN invariant 4): every
 * manifest present from seq 0 without holes, in the right place, in a known format, linked to its
 * predecessor by hash; every named segment present, of the declared size and hash, decoding to
 * records in order that agree with the manifest; LSNs and source offsets never going backwards.
 * Segments no manifest names are reported as uncommitted leftovers, not errors.
 *
 * <p>Findings are returned, never thrown. The walk streams: it holds one listing page, one manifest
 * and the leftover candidates of the current seq, so memory does not grow with the archive.
 */
public final class ChainVerifier {
  private final ObjectStore store;
  private final ArchiveReader reader;
  private final SegmentChecker segments;
  private final DatabaseStreams databases;

  public ChainVerifier(ObjectStore store) {
    this.store = store;
    this.reader = new ArchiveReader(store);
    this.segments = new SegmentChecker(store);
    this.databases = new DatabaseStreams(reader);
  }

  /** Verifies one stream. */
  public StreamReport verify(StreamId stream) {
    Walk walk = new Walk(stream);
    reader.forEachKey(ArchiveLayout.streamPrefix(stream), walk::visit);
    return walk.finish();
  }

  /**
   * Verifies {@code database}: its stream catalog against its objects and index entries, and the
   * chain of every stream found anywhere (catalogued or not).
   */
  public ArchiveReport verifyDatabase(String database) {
    return verify(databases.resolve(database));
  }

  /**
   * Verifies every database in the archive, found by listing every key (not from the indexes, which
   * are themselves checked), so that a removed index entry hides nothing.
   */
  public ArchiveReport verifyAll() {
    ArchiveReader.Listing listing = reader.listEverything();
    ArchiveReport report = new ArchiveReport(List.of(), List.of());
    for (String database : listing.databases()) {
      report =
          report.plus(
              verify(
                  databases.resolve(
                      database, listing.partitionIndexed().getOrDefault(database, Set.of()))));
    }
    return report;
  }

  private ArchiveReport verify(DatabaseStreams.Resolution resolution) {
    List<StreamReport> reports = new ArrayList<>();
    for (StreamId stream : resolution.found()) {
      reports.add(verify(stream).withFindings(resolution.about(stream)));
    }
    return new ArchiveReport(resolution.ofCatalog(), reports);
  }

  /** The state of one walk over one stream. */
  private final class Walk {
    private final StreamId stream;
    private final List<Finding> findings = new ArrayList<>();
    private final TreeMap<Long, List<String>> pendingSegments = new TreeMap<>();
    private final SegmentChecker.Totals totals = new SegmentChecker.Totals();
    private long expectedSeq;
    private long manifests;
    private String previousSha;
    private Manifest previousWithRecords;
    private long previousHandledThrough = -1;

    Walk(StreamId stream) {
      this.stream = stream;
    }

    void visit(ObjectInfo object) {
      Optional<ArchiveKey> parsed = ArchiveLayout.parse(object.key());
      if (parsed.isPresent()
          && parsed.get() instanceof ArchiveKey.Segment segment
          && segment.stream().equals(stream)) {
        pendingSegments.computeIfAbsent(segment.seq(), s -> new ArrayList<>()).add(object.key());
      } else if (parsed.isPresent()
          && parsed.get() instanceof ArchiveKey.Manifest manifest
          && manifest.stream().equals(stream)) {
        visitManifest(object, manifest.seq());
      } else {
        findings.add(
            Finding.of(Kind.UNKNOWN_OBJECT, object.key(), "not an archive key of " + stream));
      }
    }

    private void visitManifest(ObjectInfo object, long seq) {
      if (seq > expectedSeq) {
        String missing = ArchiveLayout.manifestKey(stream, expectedSeq);
        findings.add(
            Finding.of(
                Kind.MISSING_MANIFEST,
                missing,
                "seq "
                    + expectedSeq
                    + (seq - 1 > expectedSeq ? " to " + (seq - 1) : "")
                    + " missing before seq "
                    + seq));
        previousSha = null;
      }
      List<String> segmentsOfSeq = pendingSegments.remove(seq);
      reportLeftoversBefore(seq);
      manifests++;
      byte[] bytes = store.readAll(object.key()).orElse(null);
      if (bytes == null) {
        findings.add(Finding.of(Kind.MISSING_MANIFEST, object.key(), "listed but gone when read"));
        previousSha = null;
      } else {
        checkManifest(object.key(), seq, bytes, segmentsOfSeq == null ? List.of() : segmentsOfSeq);
      }
      expectedSeq = seq + 1;
    }

    private void checkManifest(String key, long seq, byte[] bytes, List<String> segmentsOfSeq) {
      String sha = Sha256.hex(bytes);
      String expectedPrev = previousSha;
      boolean predecessorKnown = seq == 0 || expectedPrev != null;
      previousSha = sha;
      Manifest manifest;
      try {
        manifest = ManifestCodec.decode(bytes, key);
      } catch (UnknownFormatException e) {
        findings.add(Finding.of(Kind.UNKNOWN_FORMAT, key, e.getMessage()));
        return;
      } catch (IntegrityException e) {
        findings.add(Finding.of(Kind.MALFORMED_MANIFEST, key, e.getMessage()));
        return;
      }
      if (!manifest.stream().equals(stream) || manifest.seq() != seq) {
        findings.add(
            Finding.of(
                Kind.MISPLACED_MANIFEST,
                key,
                "claims seq " + manifest.seq() + " of " + manifest.stream() + " at seq " + seq));
        return;
      }
      if (seq > 0 && predecessorKnown && !expectedPrev.equals(manifest.prevManifestSha256())) {
        findings.add(
            Finding.of(
                Kind.CHAIN_LINK_MISMATCH,
                key,
                "prevManifestSha256 "
                    + manifest.prevManifestSha256()
                    + " but manifest "
                    + (seq - 1)
                    + " hashes to "
                    + expectedPrev));
      }
      checkOrder(key, manifest);
      if (manifest.kind() == Manifest.Kind.GAP) {
        findings.add(
            Finding.of(
                Kind.GAP,
                key,
                "source offsets "
                    + manifest.firstSourceOffset()
                    + " to "
                    + manifest.lastSourceOffset()
                    + " of "
                    + stream.topic()
                    + "-"
                    + stream.partition()
                    + " are missing (recorded gap)"));
        reportLeftovers(segmentsOfSeq);
        return;
      }
      checkSegment(key, manifest, segmentsOfSeq);
      previousWithRecords = manifest;
    }

    private void checkOrder(String key, Manifest manifest) {
      if (manifest.handledThroughOffset() < previousHandledThrough) {
        findings.add(
            Finding.of(
                Kind.OFFSET_REGRESSION,
                key,
                "handledThroughOffset "
                    + manifest.handledThroughOffset()
                    + " < previous "
                    + previousHandledThrough));
      }
      previousHandledThrough = Math.max(previousHandledThrough, manifest.handledThroughOffset());
      Manifest previous = previousWithRecords;
      if (previous == null || manifest.kind() != Manifest.Kind.SEGMENT) {
        return;
      }
      if (manifest.firstSourceOffset() <= previous.lastSourceOffset()) {
        findings.add(
            Finding.of(
                Kind.OFFSET_REGRESSION,
                key,
                "firstSourceOffset "
                    + manifest.firstSourceOffset()
                    + " <= previous last "
                    + previous.lastSourceOffset()));
      }
      if (!SegmentWriter.after(
          manifest.firstLsn(),
          manifest.firstTxIndex(),
          previous.lastLsn(),
          previous.lastTxIndex())) {
        findings.add(
            Finding.of(
                Kind.LSN_REGRESSION,
                key,
                String.format(
                    "first (lsn %d, txIndex %d) not after previous last (lsn %d, txIndex %d)",
                    manifest.firstLsn(),
                    manifest.firstTxIndex(),
                    previous.lastLsn(),
                    previous.lastTxIndex())));
      }
    }

    private void checkSegment(String manifestKey, Manifest manifest, List<String> segmentsOfSeq) {
      String expectedKey =
          ArchiveLayout.segmentKey(stream, manifest.seq(), manifest.segmentSha256());
      if (!expectedKey.equals(manifest.segmentKey())) {
        findings.add(
            Finding.of(
                Kind.MALFORMED_MANIFEST,
                manifestKey,
                "segmentKey " + manifest.segmentKey() + " does not match its seq and hash"));
        return;
      }
      List<String> leftovers = new ArrayList<>(segmentsOfSeq);
      boolean listed = leftovers.remove(expectedKey);
      reportLeftovers(leftovers);
      if (!listed && store.stat(expectedKey).isEmpty()) {
        findings.add(
            Finding.of(
                Kind.MISSING_SEGMENT, expectedKey, "named by " + manifestKey + " but absent"));
        return;
      }
      findings.addAll(segments.check(expectedKey, manifest, totals));
    }

    private void reportLeftoversBefore(long seq) {
      while (!pendingSegments.isEmpty() && pendingSegments.firstKey() < seq) {
        reportLeftovers(pendingSegments.pollFirstEntry().getValue());
      }
    }

    private void reportLeftovers(List<String> keys) {
      for (String key : keys) {
        findings.add(
            Finding.of(
                Kind.UNCOMMITTED_SEGMENT, key, "no manifest names it (uncommitted leftover)"));
      }
    }

    StreamReport finish() {
      reportLeftoversBefore(Long.MAX_VALUE);
      return new StreamReport(
          stream,
          manifests,
          totals.segments,
          totals.records,
          totals.bytes,
          expectedSeq - 1,
          totals.firstLsn,
          totals.lastLsn,
          totals.minCommit,
          totals.maxCommit,
          findings);
    }
  }
}
