package io.walstream.archiver.partition;

import io.walstream.archive.format.EncodedRecord;
import io.walstream.archive.format.Position;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.schemas.avro.ChangeRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * What one stream holds that the archive may not: the open segment (records accepted since the last
 * cut) and the cuts handed to the background committer that have not landed yet, in memory only (no
 * changelog: a crash loses them, and the records are re-read from Kafka because their offsets were
 * never committed past the archive). Used by the stream thread only; a detached batch is read,
 * never changed, afterwards.
 */
final class StreamBuffer {
  private final StreamId stream;
  private StreamHead head;
  private List<EncodedRecord> records = new ArrayList<>();
  private static final int INITIAL_OFFSETS = 1024;
  // Source offsets of the open segment's records, unboxed; records.size() of them are in use.
  private long[] offsets = new long[INITIAL_OFFSETS];
  // Oldest first: the batches of this stream's cuts that are still being committed.
  private final ArrayDeque<SegmentCommitter.StreamBatch> inFlight = new ArrayDeque<>();

  StreamBuffer(StreamHead head) {
    this.stream = head.stream();
    this.head = head;
  }

  StreamId stream() {
    return stream;
  }

  /** The newest head this thread knows; cuts still in flight may have moved the archive on. */
  StreamHead head() {
    return head;
  }

  /** Whether the open segment is empty (cuts in flight do not count). */
  boolean isEmpty() {
    return records.isEmpty();
  }

  int size() {
    return records.size();
  }

  /**
   * Whether the archive, a cut in flight or the open segment already holds source {@code offset}.
   */
  boolean holdsOffset(long offset) {
    return offset <= head.lastSourceOffset() || offset <= lastAcceptedOffset();
  }

  private long lastAcceptedOffset() {
    if (!records.isEmpty()) {
      return offsets[records.size() - 1];
    }
    if (!inFlight.isEmpty()) {
      return inFlight.peekLast().lastOffset();
    }
    return -1;
  }

  /** Whether (lsn, txIndex) sorts strictly after everything archived, in flight and buffered. */
  boolean follows(long lsn, int txIndex) {
    EncodedRecord last = lastAccepted();
    Position position = new Position(lsn, txIndex);
    if (last != null) {
      return position.isAfter(last.position());
    }
    return head.lastLsn() == null || position.isAfter(head.lastPosition());
  }

  private EncodedRecord lastAccepted() {
    if (!records.isEmpty()) {
      return records.get(records.size() - 1);
    }
    if (!inFlight.isEmpty()) {
      List<EncodedRecord> newest = inFlight.peekLast().records();
      return newest.get(newest.size() - 1);
    }
    return null;
  }

  /** The buffered or in-flight record at the same (lsn, txIndex), or null. */
  ChangeRecord bufferedAt(long lsn, int txIndex) {
    ChangeRecord found = find(records, lsn, txIndex);
    Iterator<SegmentCommitter.StreamBatch> newestFirst = inFlight.descendingIterator();
    while (found == null && newestFirst.hasNext()) {
      found = find(newestFirst.next().records(), lsn, txIndex);
    }
    return found;
  }

  private static ChangeRecord find(List<EncodedRecord> records, long lsn, int txIndex) {
    for (int i = records.size() - 1; i >= 0; i--) {
      EncodedRecord r = records.get(i);
      if (r.lsn() == lsn && r.txIndex() == txIndex) {
        return r.decode();
      }
      if (r.lsn() < lsn) {
        return null;
      }
    }
    return null;
  }

  void add(EncodedRecord record, long offset) {
    int at = records.size();
    if (at == offsets.length) {
      offsets = Arrays.copyOf(offsets, at * 2);
    }
    offsets[at] = offset;
    records.add(record);
  }

  /**
   * Hands the open segment to a cut: it is kept, read-only, for the checks above until the cut
   * {@link #landed}; the open segment starts empty.
   */
  SegmentCommitter.StreamBatch detach(long handledThroughOffset) {
    SegmentCommitter.StreamBatch batch =
        new SegmentCommitter.StreamBatch(
            head, records, Arrays.copyOf(offsets, records.size()), handledThroughOffset);
    inFlight.addLast(batch);
    records = new ArrayList<>();
    // Started small again: keeping each stream's largest segment ever would hold memory for every
    // database that was once busy.
    offsets = new long[INITIAL_OFFSETS];
    return batch;
  }

  /** The oldest cut in flight landed: {@code newHead} is the stream's head after it. */
  void landed(StreamHead newHead) {
    inFlight.pollFirst();
    head = newHead;
  }

  /** A marker committed on this thread (no cut in flight): the new head. */
  void committed(StreamHead newHead) {
    if (!inFlight.isEmpty()) {
      throw new IllegalStateException(
          "Cannot commit a marker into " + stream + " while cuts are in flight");
    }
    head = newHead;
  }
}
