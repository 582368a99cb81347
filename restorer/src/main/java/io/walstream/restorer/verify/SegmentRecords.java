package io.walstream.restorer.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.SegmentReader;
import io.walstream.schemas.avro.ChangeRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of one verified segment, decoded a chunk at a time so that a restore holds a
 * segment's compressed bytes and a few decoded chunks, never a whole decoded segment. The record
 * count is checked against the manifest when the segment ends. Not thread-safe: one chunk is
 * decoded at a time, by whichever thread asks.
 */
public final class SegmentRecords {
  private final Manifest manifest;
  private final SegmentReader reader;
  private boolean done;

  /**
   * Reads {@code bytes}, which {@link VerifiedArchive#segment} checked against {@code manifest}.
   */
  public SegmentRecords(Manifest manifest, byte[] bytes) {
    this.manifest = manifest;
    this.reader = SegmentReader.open(bytes, manifest.segmentKey());
  }

  /** Up to {@code max} next records; an empty list once the segment is exhausted. */
  public List<ChangeRecord> next(int max) {
    List<ChangeRecord> chunk = new ArrayList<>(Math.min(max, 4096));
    while (!done && chunk.size() < max) {
      if (reader.hasNext()) {
        chunk.add(reader.next());
      } else {
        finish();
      }
    }
    return chunk;
  }

  private void finish() {
    done = true;
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close segment " + manifest.segmentKey(), e);
    }
    if (reader.recordsRead() != manifest.recordCount()) {
      String key = manifest.segmentKey();
      throw new IntegrityException(
          key,
          "Cannot restore from "
              + key
              + ": "
              + reader.recordsRead()
              + " records, manifest says "
              + manifest.recordCount());
    }
  }
}
