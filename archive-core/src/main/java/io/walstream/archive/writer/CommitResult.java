package io.walstream.archive.writer;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.read.StreamHead;

/** The outcome of {@link ArchiveWriter#commit}. */
public sealed interface CommitResult {
  /** The batch is committed as {@code manifest}; {@code head} is the stream's new head. */
  record Committed(Manifest manifest, StreamHead head) implements CommitResult {}

  /**
   * Another writer already claimed the seq: nothing was committed by this call. {@code current} is
   * the freshly loaded head; {@code winnerWriterId} wrote the manifest that won.
   */
  record Conflict(StreamHead current, String winnerWriterId) implements CommitResult {}
}
