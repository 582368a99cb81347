package io.walstream.archive.store;

import io.walstream.archive.error.ErrorClassifier;
import io.walstream.archive.error.ErrorClassifier.Operation;
import io.walstream.archive.error.OutcomeUnknownException;
import io.walstream.archive.retry.Retrier;
import io.walstream.archive.retry.RetryPolicy;
import io.walstream.archive.retry.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * Retries a store's transient failures under a {@link RetryPolicy}.
 *
 * <p>A put whose earlier attempt had an unknown outcome and whose retry then finds the object
 * already there re-reads it: if the bytes are exactly the ones being put, the earlier attempt
 * landed and the put is {@link PutOutcome#CREATED}; otherwise another writer won and it is {@link
 * PutOutcome#ALREADY_EXISTS}. When the retries run out with the outcome still unknown, {@link
 * OutcomeUnknownException} reaches the caller, who must re-read before deciding.
 */
public final class RetryingObjectStore implements ObjectStore, ByteRangeReads {
  private final ObjectStore delegate;
  private final Retrier retrier;

  public RetryingObjectStore(ObjectStore delegate, RetryPolicy policy) {
    this(delegate, new Retrier(policy, Sleeper.SYSTEM, Retrier.Listener.NONE));
  }

  public RetryingObjectStore(ObjectStore delegate, Retrier retrier) {
    this.delegate = delegate;
    this.retrier = retrier;
  }

  /** The store this one wraps. */
  public ObjectStore delegate() {
    return delegate;
  }

  @Override
  public PutOutcome putIfAbsent(String key, ObjectContent content) {
    Retrier.Outcome<PutOutcome> outcome =
        retrier.call(Operation.WRITE, key, () -> delegate.putIfAbsent(key, content));
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
  public Optional<InputStream> open(String key) {
    return retrier.call(Operation.READ, key, () -> delegate.open(key)).value();
  }

  @Override
  public Optional<InputStream> openRange(String key, long offset, long length) {
    if (!(delegate instanceof ByteRangeReads ranged)) {
      throw new UnsupportedOperationException(delegate + " cannot read byte ranges");
    }
    return retrier.call(Operation.READ, key, () -> ranged.openRange(key, offset, length)).value();
  }

  @Override
  public Optional<byte[]> readAll(String key) {
    // Retries the whole read, so that a connection lost mid-body is ridden out too.
    return retrier.call(Operation.READ, key, () -> delegate.readAll(key)).value();
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    return retrier.call(Operation.READ, key, () -> delegate.stat(key)).value();
  }

  @Override
  public ObjectPage list(String prefix, String startAfter, int maxKeys) {
    return retrier
        .call(Operation.LIST, prefix, () -> delegate.list(prefix, startAfter, maxKeys))
        .value();
  }

  @Override
  public boolean delete(String key) {
    return retrier.call(Operation.DELETE, key, () -> delegate.delete(key)).value();
  }

  @Override
  public URI uri() {
    return delegate.uri();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "Retrying" + delegate;
  }
}
