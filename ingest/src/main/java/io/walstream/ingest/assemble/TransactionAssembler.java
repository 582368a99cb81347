package io.walstream.ingest.assemble;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.value.Values;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The rows of a blocking snapshot are one transaction ({@link SnapshotId}) whose END is its last
 * row, or an END of a later transaction that names it, whichever arrives first. A snapshot may be
 * large and slow: it waits as long as rows keep coming ({@code snapshotTimeout} without a new one),
 * is remembered always, and, like every transaction, is released in chunks of {@value #CHUNK}
 * records so that no Kafka transaction and no heap has to hold all of it.
 */
public final class TransactionAssembler {
  /** Where released and dead-lettered records go. */
  public interface Output {
    void release(ChangeRecord record);

    void deadLetter(
        ChangeRecord record, IngestDeadLetterReason reason, String detail, String transactionId);
  }

  /** Records released per step; a step runs in one Kafka transaction of the ingest. */
  static final int CHUNK = 5_000;

  // How long one punctuation goes on releasing a large transaction before it lets Kafka Streams
  // commit: well inside the producer's transaction timeout.
  private static final long RELEASE_BUDGET_NANOS = 500_000_000L;

  private final PendingStore store;
  private final AssemblerLimits limits;
  private final Output output;
  // The transactions waiting, by when they were first seen (snapshots: last made progress): an
  // index of the store's states, kept in memory so that expiring never scans the store (whose
  // deleted keys would make every scan slower than the last). Rebuilt whenever the processor
  // starts.
  private final LinkedHashMap<String, Long> waiting = new LinkedHashMap<>();

  public TransactionAssembler(
      KeyValueStore<String, byte[]> store, AssemblerLimits limits, Output output) {
    this.store = new PendingStore(store);
    this.limits = limits;
    this.output = output;
    List<Map.Entry<String, Long>> states = new ArrayList<>();
    this.store.states().forEach((id, s) -> states.add(Map.entry(id, s.sinceMs())));
    states.sort(Map.Entry.comparingByValue());
    states.forEach(e -> waiting.put(e.getKey(), e.getValue()));
  }

  /**
   * Takes one staged change; {@code staged} is its binary form as {@link StagedEvent#encode} wrote
   * it (the form it arrived in), kept in the store as it is rather than encoded again.
   */
  public void change(StagedEvent.Change change, byte[] staged, long nowMs) {
    String id = change.transactionId();
    if (againAfterRelease(change) || againAfterDeadLetter(change)) {
      return;
    }
    boolean fresh = !store.hasEvent(id, change.totalOrder());
    store.putEvent(id, change.totalOrder(), staged);
    if (fresh) {
      PendingState s = state(id, nowMs).plusOne(change.totalOrder());
      if (SnapshotId.is(id)) {
        s = s.since(nowMs);
        waiting.remove(id);
        waiting.put(id, nowMs);
      }
      store.putState(id, s);
      releaseReady();
    }
  }

  /** An event of a transaction released already, or being released: released again, the same. */
  private boolean againAfterRelease(StagedEvent.Change change) {
    String id = change.transactionId();
    long[] released = store.released(id);
    if (released != null) {
      output.release(
          positioned(change.record(), change.totalOrder(), released[0], released[1], released[2]));
      return true;
    }
    PendingState s = store.state(id);
    if (s == null || change.totalOrder() > s.releasedUpTo()) {
      return false;
    }
    output.release(
        positioned(
            change.record(), change.totalOrder(), s.commitLsn(), s.eventCount(), s.commitTime()));
    return true;
  }

  /** A row of a snapshot dead-lettered already goes where the snapshot went. */
  private boolean againAfterDeadLetter(StagedEvent.Change change) {
    String id = change.transactionId();
    if (!SnapshotId.is(id) || !store.isDeadSnapshot(id)) {
      return false;
    }
    output.deadLetter(
        change.record(),
        IngestDeadLetterReason.INCOMPLETE_TRANSACTION,
        "a row sent again of snapshot " + id + ", dead-lettered before",
        id);
    return true;
  }

  /** Takes one END (for a snapshot: its last row, or a later END naming it). */
  public void end(StagedEvent.End end, long nowMs) {
    String id = end.transactionId();
    if (store.released(id) != null || store.isDeadSnapshot(id)) {
      // Sent again after a connector restart; its events are released again one by one.
      return;
    }
    PendingState s = state(id, nowMs);
    if (s.ended()) {
      return;
    }
    long seq = next(PendingKeys.NEXT_END);
    store.putState(id, s.withEnd(seq, end));
    store.putId(PendingKeys.queue(seq), id);
    releaseReady();
  }

  /** The transaction's state, a new one (and in the index) when it was not waiting. */
  private PendingState state(String id, long nowMs) {
    PendingState state = store.state(id);
    if (state != null) {
      return state;
    }
    waiting.put(id, nowMs);
    return PendingState.first(nowMs);
  }

  /**
   * Goes on with a large release, then dead-letters what waited longer than its timeout: the
   * transaction at the head of the commit order whose events did not all arrive (so that the ones
   * behind it can go on), and events whose END never came.
   */
  public void expire(long nowMs) {
    long start = System.nanoTime();
    while (releaseReady() && System.nanoTime() - start < RELEASE_BUDGET_NANOS) {
      // A transaction larger than a chunk is being released: one more chunk.
    }
    long youngest =
        nowMs
            - Math.min(limits.transactionTimeout().toMillis(), limits.snapshotTimeout().toMillis());
    List<String> old = new ArrayList<>();
    for (Map.Entry<String, Long> w : waiting.entrySet()) {
      if (w.getValue() >= youngest) {
        break;
      }
      if (w.getValue() < limitFor(w.getKey(), nowMs)) {
        old.add(w.getKey());
      }
    }
    for (String id : old) {
      PendingState state = store.state(id);
      if (state != null && !state.ended()) {
        deadLetter(id, IngestDeadLetterReason.NO_END, "no END within " + timeoutFor(id));
      }
    }
    String head = head();
    while (head != null) {
      PendingState s = store.state(head);
      if (s.complete() || s.sinceMs() >= limitFor(head, nowMs)) {
        break;
      }
      popHead();
      deadLetter(
          head,
          IngestDeadLetterReason.INCOMPLETE_TRANSACTION,
          s.received() + " of " + s.eventCount() + " events arrived within " + timeoutFor(head));
      releaseReady();
      head = head();
    }
  }

  private Duration timeoutFor(String id) {
    return SnapshotId.is(id) ? limits.snapshotTimeout() : limits.transactionTimeout();
  }

  private long limitFor(String id, long nowMs) {
    return nowMs - timeoutFor(id).toMillis();
  }

  /**
   * Releases complete transactions from the head of the commit order, at most {@link #CHUNK}
   * records; true when it stopped inside a transaction that has more.
   */
  private boolean releaseReady() {
    long budget = CHUNK;
    String head = head();
    while (head != null && budget > 0) {
      PendingState s = store.state(head);
      if (!s.complete()) {
        return false;
      }
      if (s.releasedUpTo() == 0 && !releasable(head, s)) {
        popHead();
      } else {
        long upTo = Math.min(s.eventCount(), s.releasedUpTo() + budget);
        budget -= upTo - s.releasedUpTo();
        releaseUpTo(head, s, upTo);
        if (upTo < s.eventCount()) {
          return true;
        }
      }
      head = head();
    }
    return head != null && budget == 0;
  }

  /** Whether a complete transaction can be released; if not, it is dead-lettered whole. */
  private boolean releasable(String id, PendingState s) {
    if (!s.numberedRight()) {
      // Counted right but numbered wrong: the source broke its own contract.
      deadLetter(
          id,
          IngestDeadLetterReason.INCOMPLETE_TRANSACTION,
          "total_order values are not 1.." + s.eventCount());
      return false;
    }
    if (s.commitLsn() == StagedEvent.End.NO_LSN) {
      deadLetter(
          id,
          IngestDeadLetterReason.MISSING_COMMIT_LSN,
          "the END of transaction " + id + " carries no walstream.commit.lsn header");
      return false;
    }
    return true;
  }

  /** Releases events {@code releasedUpTo + 1 .. upTo}, and the transaction once all are out. */
  private void releaseUpTo(String id, PendingState s, long upTo) {
    long time = s.commitTime();
    if (s.releasedUpTo() == 0 && SnapshotId.is(id)) {
      // The snapshot's state is the database's at its start: the first row's read time.
      time = Values.toMicros(eventAt(id, 1).record().getCommitTime());
    }
    for (long order = s.releasedUpTo() + 1; order <= upTo; order++) {
      StagedEvent.Change e = eventAt(id, order);
      store.deleteEvent(id, order);
      output.release(positioned(e.record(), order, s.commitLsn(), s.eventCount(), time));
    }
    PendingState progressed = s.releasing(upTo, time);
    if (upTo < s.eventCount()) {
      store.putState(id, progressed);
      return;
    }
    popHead();
    forget(id);
    remember(id, progressed);
  }

  private StagedEvent.Change eventAt(String id, long order) {
    return (StagedEvent.Change) StagedEvent.decode(store.event(id, order));
  }

  private static ChangeRecord positioned(
      ChangeRecord record, long totalOrder, long commitLsn, long eventCount, long commitTime) {
    // A record decoded for this release alone: set in place rather than copied.
    record.setLsn(commitLsn);
    record.setTxIndex(Math.toIntExact(totalOrder - 1));
    record.setTxLast(totalOrder == eventCount);
    if (commitTime != PendingState.NONE) {
      record.setCommitTime(Values.fromMicros(commitTime));
    }
    return record;
  }

  private void deadLetter(String id, IngestDeadLetterReason reason, String detail) {
    for (StagedEvent.Change e : take(id)) {
      output.deadLetter(e.record(), reason, detail, id);
    }
    if (SnapshotId.is(id)) {
      store.markDeadSnapshot(id);
    }
  }

  /** Removes and returns all of a transaction's events in total order, and its state. */
  private List<StagedEvent.Change> take(String id) {
    List<StagedEvent.Change> events = new ArrayList<>();
    for (byte[] staged : store.takeEvents(id)) {
      events.add((StagedEvent.Change) StagedEvent.decode(staged));
    }
    forget(id);
    return events;
  }

  private void forget(String id) {
    store.deleteState(id);
    waiting.remove(id);
  }

  /**
   * Remembers a released transaction, forgetting the oldest beyond {@code releasedMemory}; a
   * snapshot is never forgotten, since the ENDs after it name it for as long as the connector runs.
   */
  private void remember(String id, PendingState s) {
    store.putReleased(id, s.commitLsn(), s.eventCount(), s.commitTime());
    if (SnapshotId.is(id)) {
      return;
    }
    long seq = next(PendingKeys.NEXT_RELEASE);
    store.putId(PendingKeys.releasedOrder(seq), id);
    long oldest = store.counter(PendingKeys.OLDEST_RELEASE);
    while (seq - oldest >= limits.releasedMemory()) {
      String forgotten = store.id(PendingKeys.releasedOrder(oldest));
      if (forgotten != null) {
        store.delete(PendingKeys.releasedOrder(oldest));
        store.deleteReleased(forgotten);
      }
      oldest++;
    }
    store.putCounter(PendingKeys.OLDEST_RELEASE, oldest);
  }

  /** The transaction whose END is first in commit order among those waiting, or null. */
  private String head() {
    long seq = store.counter(PendingKeys.HEAD);
    if (seq >= store.counter(PendingKeys.NEXT_END)) {
      return null;
    }
    return store.id(PendingKeys.queue(seq));
  }

  private void popHead() {
    long seq = store.counter(PendingKeys.HEAD);
    store.delete(PendingKeys.queue(seq));
    store.putCounter(PendingKeys.HEAD, seq + 1);
  }

  private long next(String counter) {
    long value = store.counter(counter);
    store.putCounter(counter, value + 1);
    return value;
  }
}
