package io.walstream.archive.store;

import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one base of object-store decorators: every call goes to the wrapped store through {@link
 * #around}, which a decorator overrides to retry, inject faults into or observe every call alike;
 * it overrides a method itself only where that call needs more (the re-read of an outcome-unknown
 * put).
 */
public abstract class ForwardingObjectStore implements ObjectStore {
  /** The kinds of call, as a decorator tells them apart. */
  public enum Call {
    PUT,
    READ,
    STAT,
    LIST,
    DELETE
  }

  private final ObjectStore delegate;

  protected ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** The store this one wraps. */
  public final ObjectStore delegate() {
    return delegate;
  }

  /**
   * Runs one call of the wrapped store.
   *
   * @param key the object's key, or the prefix of a listing
   */
  protected <T> T around(Call call, String key, Supplier<T> operation) {
    return operation.get();
  }

  @Override
  public PutOutcome putIfAbsent(String key, ObjectContent content) {
    return around(Call.PUT, key, () -> delegate.putIfAbsent(key, content));
  }

  @Override
  public Optional<InputStream> open(String key) {
    return around(Call.READ, key, () -> delegate.open(key));
  }

  @Override
  public Optional<byte[]> readAll(String key) {
    // The whole read is one call, so that a connection lost mid-body is one failure of it.
    return around(Call.READ, key, () -> delegate.readAll(key));
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    return around(Call.STAT, key, () -> delegate.stat(key));
  }

  @Override
  public ObjectPage list(String prefix, String startAfter, int maxKeys) {
    return around(Call.LIST, prefix, () -> delegate.list(prefix, startAfter, maxKeys));
  }

  @Override
  public boolean delete(String key) {
    return around(Call.DELETE, key, () -> delegate.delete(key));
  }

  @Override
  public void deleteAll(java.util.List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    around(
        Call.DELETE,
        keys.get(0),
        () -> {
          delegate.deleteAll(keys);
          return null;
        });
  }

  @Override
  public URI uri() {
    return delegate.uri();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
