package io.walstream.archive.store;

import java.io.InputStream;
import java.util.Optional;

/** An optional ability: reading part of an object without fetching the rest. */
public interface ByteRangeReads {
  /**
   * Opens {@code length} bytes of the object starting at {@code offset} (fewer when the object ends
   * first).
   *
   * @return the bytes, or empty when no object exists at {@code key}
   */
  Optional<InputStream> openRange(String key, long offset, long length);
}
