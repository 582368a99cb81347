package io.walstream.archive.store;

class InMemoryObjectStoreTest extends ObjectStoreContract {
  @Override
  protected ObjectStore newStore() {
    return new InMemoryObjectStore();
  }
}
