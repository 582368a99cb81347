package io.walstream.ingest.assemble;

import io.walstream.schemas.avro.ChangeRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
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

  public TransactionAssembler(
      KeyValueStore<String, byte[]> store, Duration timeout, int releasedMemory, Output output) {
    this.store = store;
    this.timeout = timeout;
    this.releasedMemory = releasedMemory;
    this.output = output;
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
      byte[] state = store.get(PendingKeys.state(id));
      PendingState s = state == null ? PendingState.first(nowMs) : PendingState.decode(state);
      store.put(PendingKeys.state(id), s.plusOne().encode());
    }
    releaseReady();
  }

  /** Takes one END. */
  public void end(StagedEvent.End end, long nowMs) {
    String id = end.transactionId();
    if (store.get(PendingKeys.released(id)) != null) {
      // Sent again after a connector restart; its events are released again one by one.
      return;
    }
    byte[] state = store.get(PendingKeys.state(id));
    PendingState s = state == null ? PendingState.first(nowMs) : PendingState.decode(state);
    if (s.ended()) {
      return;
    }
    long seq = next(PendingKeys.NEXT_END);
    store.put(PendingKeys.state(id), s.withEnd(seq, end).encode());
    store.put(PendingKeys.queue(seq), id.getBytes(StandardCharsets.UTF_8));
    releaseReady();
  }

  /**
   * Dead-letters what waited longer than the timeout: the transaction at the head of the commit
   * order whose events did not all arrive (so that the ones behind it can go on), and events whose
   * END never came.
   */
  public void expire(long nowMs) {
    long limit = nowMs - timeout.toMillis();
    List<KeyValue<String, byte[]>> states = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(PendingKeys.STATE_PREFIX, KEYS)) {
      it.forEachRemaining(states::add);
    }
    for (KeyValue<String, byte[]> entry : states) {
      PendingState s = PendingState.decode(entry.value);
      if (!s.ended() && s.firstSeenMs() < limit) {
        String id = entry.key.substring(entry.key.indexOf(':') + 1);
        deadLetter(id, IngestDeadLetterReason.NO_END, "no END within " + timeout);
      }
    }
    KeyValue<String, String> head = head();
    while (head != null) {
      PendingState s = PendingState.decode(store.get(PendingKeys.state(head.value)));
      if (s.complete() || s.firstSeenMs() >= limit) {
        break;
      }
      store.delete(head.key);
      deadLetter(
          head.value,
          IngestDeadLetterReason.INCOMPLETE_TRANSACTION,
          s.received() + " of " + s.eventCount() + " events arrived within " + timeout);
      releaseReady();
      head = head();
    }
  }

  /** Releases complete transactions from the head of the commit order. */
  private void releaseReady() {
    KeyValue<String, String> head = head();
    while (head != null) {
      PendingState s = PendingState.decode(store.get(PendingKeys.state(head.value)));
      if (!s.complete()) {
        return;
      }
      store.delete(head.key);
      release(head.value, s);
      head = head();
    }
  }

  private void release(String id, PendingState s) {
    List<StagedEvent.Change> events = take(id);
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
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).totalOrder() != i + 1) {
        // Counted right but numbered wrong: the source broke its own contract.
        events.forEach(
            e ->
                output.deadLetter(
                    e.record(),
                    IngestDeadLetterReason.INCOMPLETE_TRANSACTION,
                    "total_order values are not 1.." + events.size(),
                    id));
        return;
      }
    }
    for (StagedEvent.Change e : events) {
      output.release(positioned(e.record(), e.totalOrder(), s.commitLsn(), s.eventCount()));
    }
    remember(id, s);
  }

  private static ChangeRecord positioned(
      ChangeRecord record, long totalOrder, long commitLsn, long eventCount) {
    return ChangeRecord.newBuilder(record)
        .setLsn(commitLsn)
        .setTxIndex(Math.toIntExact(totalOrder - 1))
        .setTxLast(totalOrder == eventCount)
        .build();
  }

  private void deadLetter(String id, IngestDeadLetterReason reason, String detail) {
    for (StagedEvent.Change e : take(id)) {
      output.deadLetter(e.record(), reason, detail, id);
    }
  }

  /** Removes and returns a transaction's events in total order, and its state. */
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
    store.delete(PendingKeys.state(id));
    return events;
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

  /** The END first in commit order among those waiting: (queue key, transaction id). */
  private KeyValue<String, String> head() {
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(PendingKeys.QUEUE_PREFIX, KEYS)) {
      if (!it.hasNext()) {
        return null;
      }
      KeyValue<String, byte[]> kv = it.next();
      return KeyValue.pair(kv.key, new String(kv.value, StandardCharsets.UTF_8));
    }
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
