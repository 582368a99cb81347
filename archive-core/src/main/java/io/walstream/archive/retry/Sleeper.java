package io.walstream.archive.retry;

import java.time.Duration;

/** Waits between attempts; replaced in tests so that they do not wait for real. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM =
      duration -> {
        try {
          Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RetryInterruptedException(e);
        }
      };

  void sleep(Duration duration);

  /** The thread was interrupted while waiting to retry; the interrupt flag is restored. */
  final class RetryInterruptedException extends io.walstream.schemas.error.WalstreamException {
    private static final long serialVersionUID = 1L;

    RetryInterruptedException(InterruptedException cause) {
      super("Interrupted while waiting to retry a storage call", cause);
    }
  }
}
