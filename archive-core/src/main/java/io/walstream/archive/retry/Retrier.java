package io.walstream.archive.retry;

import io.walstream.archive.error.ErrorClass;
import io.walstream.archive.error.ErrorClassifier;
import io.walstream.archive.error.ErrorClassifier.Operation;
import io.walstream.archive.error.StorageException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a storage call under a {@link RetryPolicy}: transient and outcome-unknown failures are
 * retried with backoff; permanent ones are thrown at once; when the bound is reached the last
 * failure is thrown. Counts what it did, for metrics and reports.
 */
public final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  /** Observes retries, e.g. to count them in metrics. */
  public interface Listener {
    Listener NONE = (operation, key, attempt, failure) -> {};

    void onRetry(Operation operation, String key, int attempt, StorageException failure);
  }

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final Listener listener;

  public Retrier(RetryPolicy policy, Sleeper sleeper, Listener listener) {
    this.policy = policy;
    this.sleeper = sleeper;
    this.listener = listener;
  }

  /** Result of {@link #call}: the value and whether an attempt's outcome was unknown. */
  public record Outcome<T>(T value, boolean hadUnknownOutcome) {}

  public <T> Outcome<T> call(Operation operation, String key, Supplier<T> attempt) {
    long deadline = System.nanoTime() + policy.maxElapsed().toNanos();
    boolean unknown = false;
    for (int n = 1; ; n++) {
      try {
        return new Outcome<>(attempt.get(), unknown);
      } catch (StorageException e) {
        ErrorClass errorClass = ErrorClassifier.classify(operation, e);
        if (errorClass != ErrorClass.TRANSIENT && errorClass != ErrorClass.OUTCOME_UNKNOWN) {
          throw e;
        }
        unknown |= errorClass == ErrorClass.OUTCOME_UNKNOWN;
        Duration wait = policy.backoff(n);
        if (n >= policy.maxAttempts() || System.nanoTime() + wait.toNanos() > deadline) {
          throw e;
        }
        LOG.debug(
            "Retrying {} of {} after attempt {}: {}", operation.verb(), key, n, e.getMessage());
        listener.onRetry(operation, key, n, e);
        sleeper.sleep(wait);
      }
    }
  }
}
