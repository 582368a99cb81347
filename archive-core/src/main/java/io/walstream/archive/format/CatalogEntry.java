package io.walstream.archive.format;

import io.walstream.archive.layout.StreamId;

/**
 * One entry of a database's stream catalog: a hash-linked chain, claimed entry by entry with
 * put-if-absent, that records which streams the database has. Entry {@code seq} names one stream
 * and carries the SHA-256 of entry {@code seq - 1}, so that removing, replacing or reordering an
 * entry breaks a link or leaves a hole; a stream whose objects no entry names is found by listing.
 * See docs/FORMAT.md.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param seq position in the database's catalog, from 0
 * @param stream the stream this entry adds (its database is the catalog's)
 * @param prevEntrySha256 SHA-256 of entry {@code seq - 1}'s bytes; null exactly when seq is 0
 * @param writerVersion walstream version that wrote it
 * @param writerId identity of the writer instance
 */
public record CatalogEntry(
    int formatVersion,
    long seq,
    StreamId stream,
    String prevEntrySha256,
    String writerVersion,
    String writerId) {
  public static final int FORMAT_VERSION = 1;

  public CatalogEntry {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException("unknown catalog formatVersion " + formatVersion);
    }
    if (seq < 0) {
      throw new IllegalArgumentException("negative catalog seq " + seq);
    }
    if ((seq == 0) != (prevEntrySha256 == null)) {
      throw new IllegalArgumentException(
          "prevEntrySha256 must be null exactly for seq 0 (seq " + seq + ")");
    }
    if (prevEntrySha256 != null && !prevEntrySha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("prevEntrySha256 is not 64 lowercase hex digits");
    }
    if (writerVersion == null || writerId == null) {
      throw new IllegalArgumentException("writerVersion and writerId are required");
    }
  }

  /** The database whose catalog this entry belongs to. */
  public String database() {
    return stream.database();
  }
}
