package io.walstream.archive.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A thread-safe {@link ObjectStore} in memory, with the same contract as the durable ones. */
public final class InMemoryObjectStore implements ObjectStore {
  private final ConcurrentSkipListMap<String, Stored> objects = new ConcurrentSkipListMap<>();
  private final String name;

  /** An object's bytes and when it was written. */
  private record Stored(byte[] bytes, Instant written) {}

  public InMemoryObjectStore() {
    this("default");
  }

  public InMemoryObjectStore(String name) {
    this.name = name;
  }

  @Override
  public PutOutcome putIfAbsent(String key, ObjectContent content) {
    ObjectKeys.requireValid(key);
    if (objects.containsKey(key)) {
      return PutOutcome.ALREADY_EXISTS;
    }
    byte[] bytes;
    try {
      bytes = content.toBytes().clone();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read content for object " + key, e);
    }
    return objects.putIfAbsent(key, new Stored(bytes, Instant.now())) == null
        ? PutOutcome.CREATED
        : PutOutcome.ALREADY_EXISTS;
  }

  @Override
  public Optional<InputStream> open(String key) {
    Stored stored = objects.get(ObjectKeys.requireValid(key));
    return stored == null
        ? Optional.empty()
        : Optional.of(new ByteArrayInputStream(stored.bytes()));
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    Stored stored = objects.get(ObjectKeys.requireValid(key));
    return stored == null
        ? Optional.empty()
        : Optional.of(new ObjectInfo(key, stored.bytes().length, stored.written()));
  }

  @Override
  public ObjectPage list(String prefix, String startAfter, int maxKeys) {
    ObjectKeys.requireValidPrefix(prefix);
    if (maxKeys < 1) {
      throw new IllegalArgumentException("Cannot list " + prefix + ": maxKeys must be positive");
    }
    String from = startAfter != null && startAfter.compareTo(prefix) >= 0 ? startAfter : prefix;
    boolean inclusive = from.equals(prefix) && (startAfter == null || !startAfter.equals(prefix));
    List<ObjectInfo> page = new ArrayList<>();
    for (Map.Entry<String, Stored> entry : objects.tailMap(from, inclusive).entrySet()) {
      if (!entry.getKey().startsWith(prefix)) {
        break;
      }
      if (page.size() == maxKeys) {
        return new ObjectPage(page, true);
      }
      Stored stored = entry.getValue();
      page.add(new ObjectInfo(entry.getKey(), stored.bytes().length, stored.written()));
    }
    return new ObjectPage(page, false);
  }

  @Override
  public boolean delete(String key) {
    return objects.remove(ObjectKeys.requireValid(key)) != null;
  }

  /** Replaces an object's bytes, bypassing immutability: only for corruption tests. */
  public void corrupt(String key, byte[] bytes) {
    objects.put(ObjectKeys.requireValid(key), new Stored(bytes.clone(), Instant.now()));
  }

  @Override
  public URI uri() {
    return URI.create("memory://" + name);
  }

  @Override
  public void close() {}
}
