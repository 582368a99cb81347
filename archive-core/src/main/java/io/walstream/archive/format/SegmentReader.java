package io.walstream.archive.format;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.AvroTrust;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Streams the records of one segment, checking what the segment declares before reading any: its
 * encryption against what its manifest declares (decrypting through the archive's keyring), then
 * format version and codec; nothing is ever guessed from an absence. Memory is bounded by the block
 * size. Bytes that do not decode are an {@link IntegrityException} naming the key.
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
      throw integrityCause(e)
          .orElseGet(
              () ->
                  new IntegrityException(
                      key, "Cannot read segment " + key + ": bad header: " + e, e));
    }
    checkDeclarations();
  }

  /** Opens a plaintext segment from a stream; the reader closes it. */
  public static SegmentReader open(InputStream in, String key) {
    return new SegmentReader(in, key);
  }

  /**
   * Opens the segment {@code manifest} names from its stored bytes {@code stored}, decrypting
   * through {@code keys} when it is encrypted; the reader closes the stream.
   *
   * @throws IntegrityException when the segment's encryption is not what the manifest declares
   * @throws io.walstream.archive.error.KeyUnavailableException when it is encrypted and {@code
   *     keys} cannot decrypt it
   */
  public static SegmentReader open(InputStream stored, Manifest.Segment manifest, Decryptor keys) {
    return open(EnvelopeHeader.read(stored, manifest.segment().key()), manifest, keys);
  }

  /**
   * As {@link #open(InputStream, Manifest.Segment, Decryptor)}, from a stream whose declaration was
   * read already.
   */
  public static SegmentReader open(
      EnvelopeHeader.Declared declared, Manifest.Segment manifest, Decryptor keys) {
    String key = manifest.segment().key();
    String mismatch =
        EnvelopeHeader.mismatch("the manifest", manifest.segment().encryption(), declared.header());
    if (mismatch != null) {
      throw new IntegrityException(key, "Cannot read segment " + key + ": " + mismatch);
    }
    if (declared.header().isEmpty()) {
      return new SegmentReader(declared.rest(), key);
    }
    String place = ArchiveLayout.manifestKey(manifest.stream(), manifest.seq());
    return new SegmentReader(
        keys.decrypt(declared.rest(), declared.header().get(), place, key), key);
  }

  /** {@link #open(InputStream, Manifest.Segment, Decryptor)} over bytes held in memory. */
  public static SegmentReader open(byte[] stored, Manifest.Segment manifest, Decryptor keys) {
    return open(new ByteArrayInputStream(stored), manifest, keys);
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

  /**
   * An integrity error (e.g. failed authentication) inside a decoding failure, when there is one.
   */
  private static Optional<IntegrityException> integrityCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IntegrityException integrity) {
        return Optional.of(integrity);
      }
    }
    return Optional.empty();
  }

  private IntegrityException corrupt(RuntimeException e) {
    Optional<IntegrityException> cause = integrityCause(e);
    if (cause.isPresent()) {
      return cause.get();
    }
    return new IntegrityException(
        key, "Cannot read segment " + key + ": corrupt after " + read + " records: " + e, e);
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
