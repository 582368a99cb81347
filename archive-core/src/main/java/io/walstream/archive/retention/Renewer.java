package io.walstream.archive.retention;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a renewal at a third of a time to live, on a daemon thread of its own, until closed: what a
 * held lease and a held lock both need.
 */
final class Renewer implements AutoCloseable {
  private final ScheduledExecutorService executor;

  Renewer(String threadName, Duration ttl, Runnable renewal) {
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(1, ttl.toMillis() / 3);
    executor.scheduleAtFixedRate(renewal, period, period, TimeUnit.MILLISECONDS);
  }

  /** Stops renewing, waiting for a renewal in progress to end. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
