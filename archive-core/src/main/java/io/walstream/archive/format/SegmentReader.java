package io.walstream.archive.format;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.AvroTrust;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Streams the records of one segment, checking what the segment declares before reading any: format
 * version, codec, and that it is not encrypted (this build reads plaintext segments only; it never
 * guesses). Memory is bounded by the block size. Bytes that do not decode are an {@link
 * IntegrityException} naming the key.
 *
 * <p>Hashing is the caller's job, over the same stream (see the chain verifier), so that a segment
 * too corrupt to decode can still be hashed.
 */
public final class SegmentReader implements Iterator<ChangeRecord>, Closeable {
  private final String key;
  private final DataFileStream<ChangeRecord> stream;
  private long read;

  private SegmentReader(InputStream source, String key) {
    AvroTrust.install();
    ZstdBlockCodec.register();
    this.key = key;
    try {
      this.stream = new DataFileStream<>(source, new SpecificDatumReader<>(ChangeRecord.class));
    } catch (IOException | RuntimeException e) {
      throw new IntegrityException(key, "Cannot read segment " + key + ": bad header: " + e, e);
    }
    checkDeclarations();
  }

  /** Opens a segment from a stream; the reader closes it. */
  public static SegmentReader open(InputStream in, String key) {
    return new SegmentReader(in, key);
  }

  /** Opens a segment held in memory. */
  public static SegmentReader open(byte[] bytes, String key) {
    return new SegmentReader(new ByteArrayInputStream(bytes), key);
  }

  private void checkDeclarations() {
    String version = stream.getMetaString(SegmentFormat.META_FORMAT_VERSION);
    if (version == null) {
      throw new UnknownFormatException(
          key, "Cannot read segment " + key + ": no " + SegmentFormat.META_FORMAT_VERSION);
    }
    if (!version.equals(Integer.toString(SegmentFormat.VERSION))) {
      throw new UnknownFormatException(
          key, "Cannot read segment " + key + ": unknown format version " + version);
    }
    String codec = stream.getMetaString("avro.codec");
    if (!SegmentFormat.CODEC.equals(codec)) {
      throw new UnknownFormatException(
          key, "Cannot read segment " + key + ": unexpected codec " + codec);
    }
    String encryption = stream.getMetaString(SegmentFormat.META_ENCRYPTION);
    if (encryption != null) {
      throw new UnknownFormatException(
          key,
          "Cannot read segment "
              + key
              + ": encrypted with "
              + encryption
              + ", which this build cannot decrypt");
    }
  }

  /** A metadata value of the segment, or null. */
  public String meta(String name) {
    return stream.getMetaString(name);
  }

  @Override
  public boolean hasNext() {
    try {
      return stream.hasNext();
    } catch (RuntimeException e) {
      // Any failure to decode untrusted bytes means they are corrupt.
      throw corrupt(e);
    }
  }

  @Override
  public ChangeRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException("Segment " + key + " has no more records");
    }
    try {
      ChangeRecord record = stream.next();
      read++;
      return record;
    } catch (RuntimeException e) {
      throw corrupt(e);
    }
  }

  /** Records read so far. */
  public long recordsRead() {
    return read;
  }

  private IntegrityException corrupt(RuntimeException e) {
    return new IntegrityException(
        key, "Cannot read segment " + key + ": corrupt after " + read + " records: " + e, e);
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
