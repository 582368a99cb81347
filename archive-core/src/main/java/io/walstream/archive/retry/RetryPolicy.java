package io.walstream.archive.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded retry with exponential backoff and jitter: attempt {@code n} (from 1) waits a random
 * duration between half and all of {@code min(maxBackoff, initialBackoff * 2^(n-1))} before the
 * next one, and retrying stops after {@code maxAttempts} attempts or once {@code maxElapsed} has
 * passed, whichever comes first.
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxElapsed) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("Cannot retry: maxAttempts must be at least 1");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "Cannot retry: need 0 <= initialBackoff <= maxBackoff, got "
              + initialBackoff
              + " and "
              + maxBackoff);
    }
    if (maxElapsed.isNegative()) {
      throw new IllegalArgumentException("Cannot retry: maxElapsed is negative");
    }
  }

  /** Production defaults: 8 attempts, 100 ms doubling to 10 s, at most 60 s in all. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        8, Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  /** One attempt, no retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /** The wait after failed attempt {@code attempt} (1-based), with jitter. */
  public Duration backoff(int attempt) {
    long initial = initialBackoff.toNanos();
    long cap = maxBackoff.toNanos();
    long ceiling = initial;
    for (int i = 1; i < attempt && ceiling < cap; i++) {
      ceiling = Math.min(cap, ceiling * 2);
    }
    ceiling = Math.min(cap, ceiling);
    if (ceiling == 0) {
      return Duration.ZERO;
    }
    long half = ceiling / 2;
    return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
  }
}
