package io.walstream.archive.store;

/** A listed or stat-ed object: its key and size in bytes. */
public record ObjectInfo(String key, long size) {
  public ObjectInfo {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("Cannot describe object: empty key");
    }
    if (size < 0) {
      throw new IllegalArgumentException("Cannot describe object " + key + ": negative size");
    }
  }
}
