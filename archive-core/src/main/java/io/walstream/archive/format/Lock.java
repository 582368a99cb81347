package io.walstream.archive.format;

import java.util.Objects;

/**
 * One generation of a database's maintenance lock (docs/FORMAT.md section 10): {@code holder} runs
 * the database's snapshots and retention until {@code expiresAt} (microseconds, UTC) unless it
 * renews the lock by claiming the next generation first.
 */
public record Lock(String database, String holder, String purpose, long expiresAt) {
  /** The only lock format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  public Lock {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(purpose, "purpose");
  }
}
