package io.walstream.archiver.topology;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.format.SegmentWriter;
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

  private record Loaded(Map<Long, Map<Integer, ChangeRecord>> records) {}

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
      if (stored == null || stored.manifest().kind() != Manifest.Kind.SEGMENT) {
        continue;
      }
      Manifest m = stored.manifest();
      if (SegmentWriter.after(m.firstLsn(), m.firstTxIndex(), lsn, txIndex)) {
        continue;
      }
      if (SegmentWriter.after(lsn, txIndex, m.lastLsn(), m.lastTxIndex())) {
        return Optional.empty();
      }
      Loaded loaded = load(stream, m);
      cache.put(stream, loaded);
      return Optional.ofNullable(loaded.records().getOrDefault(lsn, Map.of()).get(txIndex));
    }
    return Optional.empty();
  }

  private Loaded load(StreamId stream, Manifest manifest) {
    byte[] bytes =
        reader
            .store()
            .readAll(manifest.segmentKey())
            .orElseThrow(
                () ->
                    new IntegrityException(
                        manifest.segmentKey(),
                        "Cannot read segment "
                            + manifest.segmentKey()
                            + " of "
                            + stream
                            + ": missing"));
    Map<Long, Map<Integer, ChangeRecord>> records = new HashMap<>();
    try (SegmentReader segment = SegmentReader.open(bytes, manifest.segmentKey())) {
      segment.forEachRemaining(
          r -> records.computeIfAbsent(r.getLsn(), k -> new HashMap<>()).put(r.getTxIndex(), r));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Loaded(records);
  }
}
