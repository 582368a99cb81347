package io.walstream.archive.store;

import java.time.Instant;

/**
 * A listed or stat-ed object: its key, size in bytes, and when it was written (as the store records
 * it: a file's modification time, an S3 object's {@code LastModified}).
 */
public record ObjectInfo(String key, long size, Instant lastModified) {
  public ObjectInfo {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("Cannot describe object: empty key");
    }
    if (size < 0) {
      throw new IllegalArgumentException("Cannot describe object " + key + ": negative size");
    }
    if (lastModified == null) {
      throw new IllegalArgumentException("Cannot describe object " + key + ": no write time");
    }
  }
}
