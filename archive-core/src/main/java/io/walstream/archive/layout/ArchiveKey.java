package io.walstream.archive.layout;

/** A parsed archive key; see {@link ArchiveLayout#parse}. */
public sealed interface ArchiveKey {
  /** A key that belongs to one stream. */
  sealed interface OfStream extends ArchiveKey {
    StreamId stream();
  }

  /** A manifest claiming {@code seq} of its stream. */
  record Manifest(StreamId stream, long seq) implements OfStream {}

  /** A segment written for {@code seq}, named by its content hash. */
  record Segment(StreamId stream, long seq, String sha256) implements OfStream {}

  /** The entry listing a stream under its database. */
  record StreamIndex(StreamId stream) implements OfStream {}

  /** The entry listing a stream under its source partition. */
  record PartitionIndex(StreamId stream) implements OfStream {}

  /** The signature of manifest {@code seq} of its stream whose bytes hash to {@code sha256}. */
  record ManifestSignature(StreamId stream, long seq, String sha256) implements OfStream {}

  /** The signature of catalog entry {@code seq} whose bytes hash to {@code sha256}. */
  record CatalogSignature(String database, long seq, String sha256) implements ArchiveKey {}

  /** Entry {@code seq} of a database's stream catalog. */
  record Catalog(String database, long seq) implements ArchiveKey {}

  /** The manifest of {@code database}'s snapshot at {@code lsn}. */
  record Snapshot(String database, long lsn) implements ArchiveKey {}

  /** A chunk of snapshot rows of {@code database}, named by its content hash. */
  record SnapshotChunk(String database, String sha256) implements ArchiveKey {}

  /**
   * The retention record expiring {@code database}'s history before its snapshot at {@code lsn}.
   */
  record Retention(String database, long snapshotLsn) implements ArchiveKey {}

  /** A lease of {@code holder} on {@code database}, valid until {@code expiryMicros}. */
  record Lease(String database, String holder, long expiryMicros) implements ArchiveKey {}

  /** Generation {@code generation} of {@code database}'s maintenance lock. */
  record Lock(String database, long generation) implements ArchiveKey {}
}
