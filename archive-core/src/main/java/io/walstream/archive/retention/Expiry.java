package io.walstream.archive.retention;

import java.time.Instant;
import java.util.Objects;

/**
 * One object a retention plan expires.
 *
 * @param key the object
 * @param size its stored bytes
 * @param written when it was written
 * @param why what expires it, naming the snapshot that justifies it
 * @param owner for a snapshot chunk, the snapshot manifest it belongs to (kept while it is); null
 *     otherwise
 * @param heldBy why it is kept for now (a live lease, or younger than the grace period); null when
 *     it is deleted
 */
public record Expiry(
    String key, long size, Instant written, String why, String owner, String heldBy) {
  public Expiry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(why, "why");
  }

  /** This expiry, kept for now because of {@code reason}. */
  public Expiry heldBy(String reason) {
    return new Expiry(key, size, written, why, owner, reason);
  }

  /** Whether the plan deletes it now. */
  public boolean deleted() {
    return heldBy == null;
  }
}
