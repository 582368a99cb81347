package io.walstream.archive.retention;

import io.walstream.archive.format.Lock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database's maintenance lock this process holds: renewed in the background at a third of its
 * time to live by claiming the next generation, released on {@link #close}.
 */
public final class HeldLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeldLock.class);

  private final MaintenanceLocks locks;
  private final Lock lock;
  private final Duration ttl;
  private final Renewer renewer;
  private volatile long generation;
  private volatile boolean lost;

  HeldLock(MaintenanceLocks locks, Lock lock, long generation, Duration ttl) {
    this.locks = locks;
    this.lock = lock;
    this.generation = generation;
    this.ttl = ttl;
    this.renewer = new Renewer("walstream-lock-" + lock.database(), ttl, this::renew);
  }

  /** The generation held now. */
  public long generation() {
    return generation;
  }

  /** Whether another holder took the lock over after it expired (its work may now overlap). */
  public boolean lost() {
    return lost;
  }

  private void renew() {
    if (lost) {
      return;
    }
    try {
      Lock renewed = new Lock(lock.database(), lock.holder(), lock.purpose(), locks.expiry(ttl));
      long next = generation + 1;
      if (!locks.claim(lock.database(), next, renewed)) {
        lost = true;
        LOG.warn(
            "Lost the maintenance lock of {}: another holder claimed generation {} (ours expired)",
            lock.database(),
            next);
        return;
      }
      long old = generation;
      generation = next;
      locks.release(lock.database(), old);
    } catch (RuntimeException e) {
      // Still held until its expiry; the next renewal tries again.
      LOG.warn("Cannot renew the maintenance lock of {}: {}", lock.database(), e.getMessage());
    }
  }

  /** Stops renewing and releases the lock (unless it was lost to another holder). */
  @Override
  public void close() {
    renewer.close();
    if (!lost) {
      locks.release(lock.database(), generation);
    }
  }
}
