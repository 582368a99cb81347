package io.walstream.ingest.assemble;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The assembler's store with what the assembler asks of it on every event kept in memory as well:
 * the waiting transactions' states and which of their events arrived, the released transactions
 * remembered, the dead snapshots and the counters. Every write goes to the store (and so to its
 * changelog) as before; the memory is read instead of the store, since nearly every such read
 * missed (an event is new, a transaction was not released) and a miss costs a RocksDB lookup that
 * its JNI layer answers by throwing and unwinding a native exception. The memory is rebuilt from
 * the store whenever the task starts, so the store stays the only truth across a crash.
 */
final class PendingStore {
  private static final StringSerializer KEYS = new StringSerializer();

  private final KeyValueStore<String, byte[]> store;
  private final Map<String, PendingState> states = new HashMap<>();
  private final Map<String, BitSet> arrived = new HashMap<>();
  private final Map<String, long[]> released = new HashMap<>();
  private final Set<String> deadSnapshots = new HashSet<>();
  private final Map<String, Long> counters = new HashMap<>();

  PendingStore(KeyValueStore<String, byte[]> store) {
    this.store = store;
    scan(
        PendingKeys.STATE_PREFIX,
        (k, v) -> states.put(PendingKeys.transactionOf(k), PendingState.decode(v)));
    scan(
        PendingKeys.RELEASED_PREFIX,
        (k, v) -> released.put(PendingKeys.transactionOf(k), releasedValue(v)));
    scan(
        PendingKeys.DEAD_SNAPSHOT_PREFIX,
        (k, v) -> deadSnapshots.add(PendingKeys.transactionOf(k)));
    scan(
        PendingKeys.EVENT_PREFIX,
        (k, v) -> {
          PendingKeys.EventKey e = PendingKeys.parseEvent(k);
          arrived.computeIfAbsent(e.transactionId(), id -> new BitSet()).set(order(e.order()));
        });
  }

  private interface Entry {
    void accept(String key, byte[] value);
  }

  private void scan(String prefix, Entry entry) {
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, KEYS)) {
      it.forEachRemaining(kv -> entry.accept(kv.key, kv.value));
    }
  }

  private static int order(long totalOrder) {
    return Math.toIntExact(totalOrder);
  }

  /** The waiting transactions' states, by id. */
  Map<String, PendingState> states() {
    return Map.copyOf(states);
  }

  PendingState state(String id) {
    return states.get(id);
  }

  void putState(String id, PendingState s) {
    states.put(id, s);
    store.put(PendingKeys.state(id), s.encode());
  }

  void deleteState(String id) {
    states.remove(id);
    arrived.remove(id);
    store.put(PendingKeys.state(id), null);
  }

  boolean hasEvent(String id, long totalOrder) {
    BitSet a = arrived.get(id);
    return a != null && a.get(order(totalOrder));
  }

  void putEvent(String id, long totalOrder, byte[] staged) {
    arrived.computeIfAbsent(id, k -> new BitSet()).set(order(totalOrder));
    store.put(PendingKeys.event(id, totalOrder), staged);
  }

  byte[] event(String id, long totalOrder) {
    return store.get(PendingKeys.event(id, totalOrder));
  }

  void deleteEvent(String id, long totalOrder) {
    BitSet a = arrived.get(id);
    if (a != null) {
      a.clear(order(totalOrder));
    }
    store.put(PendingKeys.event(id, totalOrder), null);
  }

  /** Removes and returns all of a transaction's staged events, in total order. */
  List<byte[]> takeEvents(String id) {
    List<byte[]> events = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    scan(
        PendingKeys.events(id),
        (k, v) -> {
          keys.add(k);
          events.add(v);
        });
    keys.forEach(k -> store.put(k, null));
    arrived.remove(id);
    return events;
  }

  /** A released transaction's {lsn, count, commit time}, or null. */
  long[] released(String id) {
    return released.get(id);
  }

  void putReleased(String id, long lsn, long count, long commitTime) {
    released.put(id, new long[] {lsn, count, commitTime});
    store.put(
        PendingKeys.released(id),
        ByteBuffer.allocate(24).putLong(lsn).putLong(count).putLong(commitTime).array());
  }

  void deleteReleased(String id) {
    released.remove(id);
    store.put(PendingKeys.released(id), null);
  }

  // Values of old stores have 16 bytes (no commit time).
  private static long[] releasedValue(byte[] value) {
    ByteBuffer r = ByteBuffer.wrap(value);
    long lsn = r.getLong();
    long count = r.getLong();
    return new long[] {lsn, count, r.remaining() >= 8 ? r.getLong() : PendingState.NONE};
  }

  boolean isDeadSnapshot(String id) {
    return deadSnapshots.contains(id);
  }

  void markDeadSnapshot(String id) {
    deadSnapshots.add(id);
    store.put(PendingKeys.deadSnapshot(id), new byte[] {1});
  }

  long counter(String key) {
    return counters.computeIfAbsent(
        key,
        k -> {
          byte[] bytes = store.get(k);
          return bytes == null ? 0 : ByteBuffer.wrap(bytes).getLong();
        });
  }

  void putCounter(String key, long value) {
    counters.put(key, value);
    store.put(key, ByteBuffer.allocate(8).putLong(value).array());
  }

  /** The id under a queue or released-order key, or null. */
  String id(String key) {
    byte[] id = store.get(key);
    return id == null ? null : new String(id, StandardCharsets.UTF_8);
  }

  void putId(String key, String id) {
    store.put(key, id.getBytes(StandardCharsets.UTF_8));
  }

  void delete(String key) {
    store.put(key, null);
  }
}
