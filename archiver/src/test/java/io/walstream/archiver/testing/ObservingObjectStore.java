package io.walstream.archiver.testing;

import io.walstream.archive.store.ForwardingObjectStore;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.PutOutcome;
import java.util.function.BiConsumer;

/**
 * Calls a hook after each put, with the key and outcome: tests use it to slow the commit path down
 * or to crash the process at an exact step of the commit protocol.
 */
public final class ObservingObjectStore extends ForwardingObjectStore {
  private final BiConsumer<String, PutOutcome> afterPut;

  public ObservingObjectStore(ObjectStore delegate, BiConsumer<String, PutOutcome> afterPut) {
    super(delegate);
    this.afterPut = afterPut;
  }

  @Override
  public PutOutcome putIfAbsent(String key, ObjectContent content) {
    PutOutcome outcome = super.putIfAbsent(key, content);
    afterPut.accept(key, outcome);
    return outcome;
  }
}
