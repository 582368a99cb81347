package io.walstream.archive.retention;

/**
 * What a reader holds against retention while it reads: a {@link HeldLease}, or nothing when the
 * archive would not take one (a read-only archive: then the reader is warned that a concurrent
 * retention run may expire what it reads, and fails closed if it does).
 */
public sealed interface ReaderLease extends AutoCloseable permits HeldLease, ReaderLease.Unheld {
  /** Releases the lease. */
  @Override
  void close();

  /** No lease, and why. */
  record Unheld(String reason) implements ReaderLease {
    @Override
    public void close() {
      // Nothing was taken.
    }
  }
}
