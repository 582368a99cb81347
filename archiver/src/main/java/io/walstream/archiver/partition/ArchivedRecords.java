package io.walstream.archiver.partition;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Position;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.StreamHead;
import io.walstream.schemas.avro.ChangeRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Finds an archived record by its (lsn, txIndex), reading back at most a bounded number of recent
 * segments, so that a record a producer re-sent can be recognised as an exact duplicate rather than
 * sent to the dead-letter topic. Keeps the last segment it read per stream, because re-sent records
 * come in runs.
 */
final class ArchivedRecords {
  private final ArchiveReader reader;
  private final int lookbackSegments;
  private final Map<StreamId, Loaded> cache = new HashMap<>();
  // Per stream, the manifests read so far by their first source offset: records re-read after a
  // restart come in offset order, so each lookup reads at most a few manifests more.
  private final Map<StreamId, TreeMap<Long, Manifest.Segment>> byOffset = new HashMap<>();
  private final Map<StreamId, Long> lowestSeqRead = new HashMap<>();
  private final Map<StreamId, Long> highestSeqRead = new HashMap<>();

  private record Loaded(String segmentKey, Map<Long, Map<Integer, ChangeRecord>> records) {}

  ArchivedRecords(ArchiveReader reader, int lookbackSegments) {
    this.reader = reader;
    this.lookbackSegments = lookbackSegments;
  }

  /** The archived record at (lsn, txIndex) in {@code head}'s stream, if within the lookback. */
  Optional<ChangeRecord> find(StreamHead head, long lsn, int txIndex) {
    StreamId stream = head.stream();
    Loaded cached = cache.get(stream);
    if (cached != null) {
      ChangeRecord hit = cached.records().getOrDefault(lsn, Map.of()).get(txIndex);
      if (hit != null) {
        return Optional.of(hit);
      }
    }
    for (long seq = head.seq(); seq >= 0 && seq > head.seq() - lookbackSegments; seq--) {
      StoredManifest stored = reader.readManifest(stream, seq).orElse(null);
      if (stored == null || !(stored.manifest() instanceof Manifest.Segment m)) {
        continue;
      }
      Position position = new Position(lsn, txIndex);
      if (m.first().isAfter(position)) {
        continue;
      }
      if (position.isAfter(m.last())) {
        return Optional.empty();
      }
      Loaded loaded = load(stream, m);
      cache.put(stream, loaded);
      return Optional.ofNullable(loaded.records().getOrDefault(lsn, Map.of()).get(txIndex));
    }
    return Optional.empty();
  }

  /**
   * Whether the archive holds exactly {@code record} as the record that came from source offset
   * {@code offset}: it must be in the segment whose source range covers the offset. Anything else
   * at an offset the archive has passed was never archived (a record dead-lettered in a transaction
   * that a crash aborted, or one another deployment handled) and must be judged again.
   */
  boolean holdsAt(StreamHead head, long offset, ChangeRecord record) {
    Manifest.Segment covering = covering(head, offset);
    if (covering == null) {
      return false;
    }
    StreamId stream = head.stream();
    Loaded loaded = cache.get(stream);
    if (loaded == null || !loaded.segmentKey().equals(covering.segment().key())) {
      loaded = load(stream, covering);
      cache.put(stream, loaded);
    }
    ChangeRecord archived =
        loaded.records().getOrDefault(record.getLsn(), Map.of()).get(record.getTxIndex());
    return record.equals(archived);
  }

  /** The segment manifest of the stream whose source range covers {@code offset}, or null. */
  private Manifest.Segment covering(StreamHead head, long offset) {
    StreamId stream = head.stream();
    TreeMap<Long, Manifest.Segment> known = byOffset.computeIfAbsent(stream, s -> new TreeMap<>());
    if (known.isEmpty()) {
      read(head, head.seq());
    }
    Map.Entry<Long, Manifest.Segment> floor = known.floorEntry(offset);
    // Below everything read so far: read backwards until a segment starts at or before it.
    while (floor == null && lowestSeqRead.getOrDefault(stream, 0L) > 0) {
      read(head, lowestSeqRead.get(stream) - 1);
      floor = known.floorEntry(offset);
    }
    // Past the segment found: read forwards while segments start at or before it.
    while (floor != null
        && offset > floor.getValue().offsets().last()
        && highestSeqRead.getOrDefault(stream, head.seq()) < head.seq()) {
      read(head, highestSeqRead.get(stream) + 1);
      floor = known.floorEntry(offset);
    }
    if (floor == null || offset > floor.getValue().offsets().last()) {
      return null;
    }
    // Offsets only grow: what lies wholly before this segment is not asked for again.
    known.headMap(floor.getKey(), false).clear();
    return floor.getValue();
  }

  private void read(StreamHead head, long seq) {
    StreamId stream = head.stream();
    lowestSeqRead.merge(stream, seq, Math::min);
    highestSeqRead.merge(stream, seq, Math::max);
    StoredManifest stored = reader.readManifest(stream, seq).orElse(null);
    if (stored != null && stored.manifest() instanceof Manifest.Segment segment) {
      byOffset.get(stream).put(segment.offsets().first(), segment);
    }
  }

  private Loaded load(StreamId stream, Manifest.Segment manifest) {
    String key = manifest.segment().key();
    byte[] bytes =
        reader
            .store()
            .readAll(key)
            .orElseThrow(
                () ->
                    new IntegrityException(
                        key, "Cannot read segment " + key + " of " + stream + ": missing"));
    Map<Long, Map<Integer, ChangeRecord>> records = new HashMap<>();
    try (SegmentReader segment = SegmentReader.open(bytes, manifest, reader.keys())) {
      segment.forEachRemaining(
          r -> records.computeIfAbsent(r.getLsn(), k -> new HashMap<>()).put(r.getTxIndex(), r));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Loaded(key, records);
  }
}
