package io.walstream.restorer.verify;

import io.walstream.archive.format.Decryptor;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.verify.SegmentRecordCheck;
import io.walstream.schemas.avro.ChangeRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of one verified segment, decoded a chunk at a time so that a restore holds a
 * segment's compressed bytes and a few decoded chunks, never a whole decoded segment. Each record
 * is checked as it is decoded and the whole segment against its manifest when it ends ({@link
 * SegmentRecordCheck}, the rules {@code verify} reports): a record out of order never reaches a
 * sink. Not thread-safe: one chunk is decoded at a time, by whichever thread asks.
 */
public final class SegmentRecords {
  private final Manifest.Segment manifest;
  private final SegmentReader reader;
  private final SegmentRecordCheck check;
  private boolean done;

  /**
   * Reads {@code bytes}, which {@link VerifiedArchive#segment} checked against {@code manifest},
   * decrypting with {@code keys} when the segment is encrypted.
   */
  public SegmentRecords(Manifest.Segment manifest, byte[] bytes, Decryptor keys) {
    this.manifest = manifest;
    this.reader = SegmentReader.open(bytes, manifest, keys);
    this.check = new SegmentRecordCheck(manifest.segment().key(), manifest);
    fail(check.meta(reader));
  }

  /** Up to {@code max} next records; an empty list once the segment is exhausted. */
  public List<ChangeRecord> next(int max) {
    List<ChangeRecord> chunk = new ArrayList<>(Math.min(max, 4096));
    while (!done && chunk.size() < max) {
      if (reader.hasNext()) {
        ChangeRecord record = reader.next();
        fail(check.accept(record));
        chunk.add(record);
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
      throw new UncheckedIOException("Cannot close segment " + manifest.segment().key(), e);
    }
    fail(check.finish());
  }

  private static void fail(Finding finding) {
    if (finding != null) {
      throw finding.toException("Cannot restore");
    }
  }
}
