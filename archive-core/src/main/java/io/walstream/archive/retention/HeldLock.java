package io.walstream.archive.retention;

import io.walstream.archive.format.Lock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
  private final ScheduledExecutorService renewer;
  private volatile long generation;
  private volatile boolean lost;

  HeldLock(MaintenanceLocks locks, Lock lock, long generation, Duration ttl) {
    this.locks = locks;
    this.lock = lock;
    this.generation = generation;
    this.ttl = ttl;
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "walstream-lock-" + lock.database());
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(1, ttl.toMillis() / 3);
    renewer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
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
    renewer.shutdownNow();
    try {
      renewer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!lost) {
      locks.release(lock.database(), generation);
    }
  }
}
