package io.walstream.restorer.apply;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for work handed to a fetcher thread, and failing with its own error. */
public final class Futures {
  private Futures() {}

  /**
   * The result of {@code future}; its failure is rethrown as it was raised (an integrity error
   * naming the key, say), not wrapped.
   */
  public static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
