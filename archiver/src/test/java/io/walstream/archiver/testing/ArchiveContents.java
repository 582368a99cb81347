package io.walstream.archiver.testing;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.store.ObjectStore;
import io.walstream.schemas.avro.ChangeRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads back what an archive holds, for assertions. */
public final class ArchiveContents {
  private ArchiveContents() {}

  /** Every committed record of {@code stream}, in chain order. */
  public static List<ChangeRecord> records(ObjectStore store, StreamId stream) {
    List<ChangeRecord> records = new ArrayList<>();
    ArchiveReader reader = new ArchiveReader(store);
    for (long seq = 0; ; seq++) {
      StoredManifest m = reader.readManifest(stream, seq).orElse(null);
      if (m == null) {
        return records;
      }
      if (!(m.manifest() instanceof Manifest.Segment s)) {
        continue;
      }
      byte[] bytes = store.readAll(s.segment().key()).orElseThrow();
      try (SegmentReader segment = SegmentReader.open(bytes, s.segment().key())) {
        segment.forEachRemaining(records::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** How many records the archive holds across all its streams. */
  public static long count(ObjectStore store) {
    long count = 0;
    for (StreamId stream : new ArchiveReader(store).allStreams()) {
      count += records(store, stream).size();
    }
    return count;
  }
}
