package io.walstream.archiver.testing;

import io.walstream.archive.store.ByteRangeReads;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectInfo;
import io.walstream.archive.store.ObjectPage;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.PutOutcome;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Calls a hook after each put, with the key and outcome: tests use it to slow the commit path down
 * or to crash the process at an exact step of the commit protocol.
 */
public final class ObservingObjectStore implements ObjectStore, ByteRangeReads {
  private final ObjectStore delegate;
  private final BiConsumer<String, PutOutcome> afterPut;

  public ObservingObjectStore(ObjectStore delegate, BiConsumer<String, PutOutcome> afterPut) {
    this.delegate = delegate;
    this.afterPut = afterPut;
  }

  @Override
  public PutOutcome putIfAbsent(String key, ObjectContent content) {
    PutOutcome outcome = delegate.putIfAbsent(key, content);
    afterPut.accept(key, outcome);
    return outcome;
  }

  @Override
  public Optional<InputStream> open(String key) {
    return delegate.open(key);
  }

  @Override
  public Optional<InputStream> openRange(String key, long offset, long length) {
    return ((ByteRangeReads) delegate).openRange(key, offset, length);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    return delegate.stat(key);
  }

  @Override
  public ObjectPage list(String prefix, String startAfter, int maxKeys) {
    return delegate.list(prefix, startAfter, maxKeys);
  }

  @Override
  public boolean delete(String key) {
    return delegate.delete(key);
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
