package io.walstream.archive.format;

import java.util.Objects;

/**
 * A reader's lease on a database (docs/FORMAT.md section 10): while it is live (its key's expiry is
 * in the future), retention deletes nothing a reader starting from {@code retentionKey}'s floor
 * could read. Each renewal is stored under a new key; the holder deletes the old one after.
 *
 * @param database the database read
 * @param holder who holds it (unique per process and run)
 * @param purpose what it is for ({@code restore}, {@code snapshot}, {@code verify}, {@code follow})
 * @param retentionKey the retention record the holder saw when it took the lease, or null when the
 *     database had none (the holder may then read anything)
 */
public record Lease(String database, String holder, String purpose, String retentionKey) {
  /** The only lease format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** The purposes walstream's readers write (gc keeps unnamed chunks while a SNAPSHOT runs). */
  public static final String RESTORE = "restore";

  public static final String SNAPSHOT = "snapshot";
  public static final String VERIFY = "verify";
  public static final String FOLLOW = "follow";

  public Lease {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(purpose, "purpose");
  }
}
