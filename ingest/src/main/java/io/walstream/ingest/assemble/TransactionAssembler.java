package io.walstream.ingest.assemble;

import io.walstream.schemas.avro.ChangeRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Reassembles Debezium's source transactions into walstream transactions. Changes and ENDs arrive
 * interleaved from different topics and partitions; a transaction is released once its END and all
 * the events the END counts have arrived, and only after every transaction whose END came before
 * it, so that the output follows commit order. Released records share the commit LSN the END
 * carries, number their events {@code total_order - 1} and mark the last.
 *
 * <p>Everything lives in a Kafka Streams store (changelogged, exactly-once), so a crash loses
 * nothing and releases nothing twice. A transaction released already is remembered for a while
 * ({@code releasedMemory} transactions): an event the connector sends again after a restart is
 * released again with the identical content, which the archiver recognises as a duplicate.
 */
public final class TransactionAssembler {
  /** Where released and dead-lettered records go. */
  public interface Output {
    void release(ChangeRecord record);

    void deadLetter(
        ChangeRecord record, IngestDeadLetterReason reason, String detail, String transactionId);
  }

  private static final StringSerializer KEYS = new StringSerializer();

  private final KeyValueStore<String, byte[]> store;
  private final Duration timeout;
  private final int releasedMemory;
  private final Output output;
  // The transactions waiting, by when they were first seen: an index of the store's states, kept
  // in memory so that expiring never scans the store (whose deleted keys would make every scan
  // slower than the last). Rebuilt from the store whenever the processor starts.
  private final LinkedHashMap<String, Long> waiting = new LinkedHashMap<>();

  public TransactionAssembler(
      KeyValueStore<String, byte[]> store, Duration timeout, int releasedMemory, Output output) {
    this.store = store;
    this.timeout = timeout;
    this.releasedMemory = releasedMemory;
    this.output = output;
    List<Map.Entry<String, Long>> states = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(PendingKeys.STATE_PREFIX, KEYS)) {
      it.forEachRemaining(
          kv ->
              states.add(
                  Map.entry(
                      PendingKeys.transactionOfState(kv.key),
                      PendingState.decode(kv.value).firstSeenMs())));
    }
    states.sort(Map.Entry.comparingByValue());
    states.forEach(e -> waiting.put(e.getKey(), e.getValue()));
  }

  /** Takes one staged change. */
  public void change(StagedEvent.Change change, long nowMs) {
    String id = change.transactionId();
    byte[] released = store.get(PendingKeys.released(id));
    if (released != null) {
      ByteBuffer r = ByteBuffer.wrap(released);
      output.release(positioned(change.record(), change.totalOrder(), r.getLong(), r.getLong()));
      return;
    }
    String key = PendingKeys.event(id, change.totalOrder());
    boolean fresh = store.get(key) == null;
    store.put(key, StagedEvent.encode(change));
    if (fresh) {
      PendingState s = state(id, nowMs);
      store.put(PendingKeys.state(id), s.plusOne().encode());
      releaseReady();
    }
  }

  /** Takes one END. */
  public void end(StagedEvent.End end, long nowMs) {
    String id = end.transactionId();
    if (store.get(PendingKeys.released(id)) != null) {
      // Sent again after a connector restart; its events are released again one by one.
      return;
    }
    PendingState s = state(id, nowMs);
    if (s.ended()) {
      return;
    }
    long seq = next(PendingKeys.NEXT_END);
    store.put(PendingKeys.state(id), s.withEnd(seq, end).encode());
    store.put(PendingKeys.queue(seq), id.getBytes(StandardCharsets.UTF_8));
    releaseReady();
  }

  /** The transaction's state, a new one (and in the index) when it was not waiting. */
  private PendingState state(String id, long nowMs) {
    byte[] state = store.get(PendingKeys.state(id));
    if (state != null) {
      return PendingState.decode(state);
    }
    waiting.put(id, nowMs);
    return PendingState.first(nowMs);
  }

  /**
   * Dead-letters what waited longer than the timeout: the transaction at the head of the commit
   * order whose events did not all arrive (so that the ones behind it can go on), and events whose
   * END never came.
   */
  public void expire(long nowMs) {
    long limit = nowMs - timeout.toMillis();
    List<String> old = new ArrayList<>();
    for (Map.Entry<String, Long> w : waiting.entrySet()) {
      if (w.getValue() >= limit) {
        break;
      }
      old.add(w.getKey());
    }
    for (String id : old) {
      byte[] state = store.get(PendingKeys.state(id));
      if (state != null && !PendingState.decode(state).ended()) {
        deadLetter(id, IngestDeadLetterReason.NO_END, "no END within " + timeout);
      }
    }
    String head = head();
    while (head != null) {
      PendingState s = PendingState.decode(store.get(PendingKeys.state(head)));
      if (s.complete() || s.firstSeenMs() >= limit) {
        break;
      }
      popHead();
      deadLetter(
          head,
          IngestDeadLetterReason.INCOMPLETE_TRANSACTION,
          s.received() + " of " + s.eventCount() + " events arrived within " + timeout);
      releaseReady();
      head = head();
    }
  }

  /** Releases complete transactions from the head of the commit order. */
  private void releaseReady() {
    String head = head();
    while (head != null) {
      PendingState s = PendingState.decode(store.get(PendingKeys.state(head)));
      if (!s.complete()) {
        return;
      }
      popHead();
      release(head, s);
      head = head();
    }
  }

  private void release(String id, PendingState s) {
    List<StagedEvent.Change> events = takeCounted(id, s.eventCount());
    if (events == null) {
      // Counted right but numbered wrong: the source broke its own contract.
      take(id)
          .forEach(
              e ->
                  output.deadLetter(
                      e.record(),
                      IngestDeadLetterReason.INCOMPLETE_TRANSACTION,
                      "total_order values are not 1.." + s.eventCount(),
                      id));
      return;
    }
    if (s.commitLsn() == StagedEvent.End.NO_LSN) {
      events.forEach(
          e ->
              output.deadLetter(
                  e.record(),
                  IngestDeadLetterReason.MISSING_COMMIT_LSN,
                  "the END of transaction " + id + " carries no walstream.commit.lsn header",
                  id));
      return;
    }
    for (StagedEvent.Change e : events) {
      output.release(positioned(e.record(), e.totalOrder(), s.commitLsn(), s.eventCount()));
    }
    remember(id, s);
  }

  private static ChangeRecord positioned(
      ChangeRecord record, long totalOrder, long commitLsn, long eventCount) {
    // A record decoded for this release alone: set in place rather than copied.
    record.setLsn(commitLsn);
    record.setTxIndex(Math.toIntExact(totalOrder - 1));
    record.setTxLast(totalOrder == eventCount);
    return record;
  }

  private void deadLetter(String id, IngestDeadLetterReason reason, String detail) {
    for (StagedEvent.Change e : take(id)) {
      output.deadLetter(e.record(), reason, detail, id);
    }
  }

  /**
   * Removes and returns events 1..{@code count} of a transaction by point lookups, and its state;
   * null (nothing removed) when one of them is missing.
   */
  private List<StagedEvent.Change> takeCounted(String id, long count) {
    List<StagedEvent.Change> events = new ArrayList<>();
    for (long order = 1; order <= count; order++) {
      byte[] bytes = store.get(PendingKeys.event(id, order));
      if (bytes == null) {
        return null;
      }
      events.add((StagedEvent.Change) StagedEvent.decode(bytes));
    }
    for (long order = 1; order <= count; order++) {
      store.delete(PendingKeys.event(id, order));
    }
    forget(id);
    return events;
  }

  /** Removes and returns all of a transaction's events in total order, and its state. */
  private List<StagedEvent.Change> take(String id) {
    List<StagedEvent.Change> events = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(PendingKeys.events(id), KEYS)) {
      it.forEachRemaining(
          kv -> {
            keys.add(kv.key);
            events.add((StagedEvent.Change) StagedEvent.decode(kv.value));
          });
    }
    keys.forEach(store::delete);
    forget(id);
    return events;
  }

  private void forget(String id) {
    store.delete(PendingKeys.state(id));
    waiting.remove(id);
  }

  /** Remembers a released transaction, forgetting the oldest beyond {@code releasedMemory}. */
  private void remember(String id, PendingState s) {
    store.put(
        PendingKeys.released(id),
        ByteBuffer.allocate(16).putLong(s.commitLsn()).putLong(s.eventCount()).array());
    long seq = next(PendingKeys.NEXT_RELEASE);
    store.put(PendingKeys.releasedOrder(seq), id.getBytes(StandardCharsets.UTF_8));
    long oldest = counter(PendingKeys.OLDEST_RELEASE);
    while (seq - oldest >= releasedMemory) {
      byte[] forgotten = store.delete(PendingKeys.releasedOrder(oldest));
      if (forgotten != null) {
        store.delete(PendingKeys.released(new String(forgotten, StandardCharsets.UTF_8)));
      }
      oldest++;
    }
    store.put(PendingKeys.OLDEST_RELEASE, ByteBuffer.allocate(8).putLong(oldest).array());
  }

  /** The transaction whose END is first in commit order among those waiting, or null. */
  private String head() {
    long seq = counter(PendingKeys.HEAD);
    if (seq >= counter(PendingKeys.NEXT_END)) {
      return null;
    }
    return new String(store.get(PendingKeys.queue(seq)), StandardCharsets.UTF_8);
  }

  private void popHead() {
    long seq = counter(PendingKeys.HEAD);
    store.delete(PendingKeys.queue(seq));
    store.put(PendingKeys.HEAD, ByteBuffer.allocate(8).putLong(seq + 1).array());
  }

  private long next(String counter) {
    long value = counter(counter);
    store.put(counter, ByteBuffer.allocate(8).putLong(value + 1).array());
    return value;
  }

  private long counter(String key) {
    byte[] bytes = store.get(key);
    return bytes == null ? 0 : ByteBuffer.wrap(bytes).getLong();
  }
}
