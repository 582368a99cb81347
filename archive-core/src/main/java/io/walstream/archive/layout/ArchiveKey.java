package io.walstream.archive.layout;

/** A parsed archive key; see {@link ArchiveLayout#parse}. */
public sealed interface ArchiveKey {
  StreamId stream();

  /** A manifest claiming {@code seq} of its stream. */
  record Manifest(StreamId stream, long seq) implements ArchiveKey {}

  /** A segment written for {@code seq}, named by its content hash. */
  record Segment(StreamId stream, long seq, String sha256) implements ArchiveKey {}

  /** The entry listing a stream under its database. */
  record StreamIndex(StreamId stream) implements ArchiveKey {}

  /** The entry listing a stream under its source partition. */
  record PartitionIndex(StreamId stream) implements ArchiveKey {}
}
