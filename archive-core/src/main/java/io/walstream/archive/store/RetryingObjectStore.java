package io.walstream.archive.store;

import io.walstream.archive.error.ErrorClassifier;
import io.walstream.archive.error.ErrorClassifier.Operation;
import io.walstream.archive.error.OutcomeUnknownException;
import io.walstream.archive.retry.Retrier;
import io.walstream.archive.retry.RetryPolicy;
import io.walstream.archive.retry.Sleeper;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Retries a store's transient failures under a {@link RetryPolicy}.
 *
 * <p>A put whose earlier attempt had an unknown outcome and whose retry then finds the object
 * already there re-reads it: if the bytes are exactly the ones being put, the earlier attempt
 * landed and the put is {@link PutOutcome#CREATED}; otherwise another writer won and it is {@link
 * PutOutcome#ALREADY_EXISTS}. When the retries run out with the outcome still unknown, {@link
 * OutcomeUnknownException} reaches the caller, who must re-read before deciding.
 */
public final class RetryingObjectStore extends ForwardingObjectStore {
  private final Retrier retrier;

  public RetryingObjectStore(ObjectStore delegate, RetryPolicy policy) {
    this(delegate, new Retrier(policy, Sleeper.SYSTEM, Retrier.Listener.NONE));
  }

  public RetryingObjectStore(ObjectStore delegate, Retrier retrier) {
    super(delegate);
    this.retrier = retrier;
  }

  @Override
  protected <T> T around(Call call, String key, Supplier<T> attempt) {
    return retrier.call(operation(call), key, attempt).value();
  }

  private static Operation operation(Call call) {
    return switch (call) {
      case PUT -> Operation.WRITE;
      case READ, STAT -> Operation.READ;
      case LIST -> Operation.LIST;
      case DELETE -> Operation.DELETE;
    };
  }

  @Override
  public PutOutcome putIfAbsent(String key, ObjectContent content) {
    Retrier.Outcome<PutOutcome> outcome =
        retrier.call(Operation.WRITE, key, () -> delegate().putIfAbsent(key, content));
    if (outcome.value() == PutOutcome.ALREADY_EXISTS && outcome.hadUnknownOutcome()) {
      return sameBytes(key, content) ? PutOutcome.CREATED : PutOutcome.ALREADY_EXISTS;
    }
    return outcome.value();
  }

  private boolean sameBytes(String key, ObjectContent content) {
    Optional<byte[]> existing = readAll(key);
    try {
      return existing.isPresent() && Arrays.equals(existing.get(), content.toBytes());
    } catch (IOException e) {
      throw ErrorClassifier.toException(Operation.READ, key, e);
    }
  }

  @Override
  public String toString() {
    return "Retrying" + delegate();
  }
}
