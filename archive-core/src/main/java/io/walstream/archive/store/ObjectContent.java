package io.walstream.archive.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of an object to put, which can be opened more than once (so that a put can be retried)
 * and whose length is known up front (so that large objects can be uploaded in parts).
 */
public final class ObjectContent {
  private final long length;
  private final byte[] bytes;
  private final Path file;

  private ObjectContent(long length, byte[] bytes, Path file) {
    this.length = length;
    this.bytes = bytes;
    this.file = file;
  }

  /** Content held in memory; the array must not be changed afterwards. */
  public static ObjectContent ofBytes(byte[] bytes) {
    return new ObjectContent(bytes.length, bytes, null);
  }

  /** Content read from a file that must not change while the put runs. */
  public static ObjectContent ofFile(Path file) {
    try {
      return new ObjectContent(Files.size(file), null, file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read content file " + file, e);
    }
  }

  public long length() {
    return length;
  }

  /** Opens a fresh stream over the content. */
  public InputStream open() throws IOException {
    return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
  }

  /** The content as one array; reads the file when the content is file-backed. */
  public byte[] toBytes() throws IOException {
    return bytes != null ? bytes : Files.readAllBytes(file);
  }
}
