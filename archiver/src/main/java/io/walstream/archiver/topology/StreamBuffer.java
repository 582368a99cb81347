package io.walstream.archiver.topology;

import io.walstream.archive.format.EncodedRecord;
import io.walstream.archive.format.SegmentWriter;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.schemas.avro.ChangeRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The open segment of one stream: records accepted since the last cut, in memory only (no
 * changelog: a crash loses the buffer, and the records are re-read from Kafka because their offsets
 * were never committed past the archive).
 */
final class StreamBuffer {
  private final StreamId stream;
  private StreamHead head;
  private final List<EncodedRecord> records = new ArrayList<>();
  private final List<Long> offsets = new ArrayList<>();
  private final List<Integer> sizes = new ArrayList<>();
  private long bytes;

  StreamBuffer(StreamHead head) {
    this.stream = head.stream();
    this.head = head;
  }

  StreamId stream() {
    return stream;
  }

  StreamHead head() {
    return head;
  }

  List<EncodedRecord> records() {
    return records;
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  long firstOffset() {
    return offsets.isEmpty() ? -1 : offsets.get(0);
  }

  long lastOffset() {
    return offsets.isEmpty() ? -1 : offsets.get(offsets.size() - 1);
  }

  /** Whether the archive (or this buffer) already holds source offset {@code offset}. */
  boolean holdsOffset(long offset) {
    return offset <= head.lastSourceOffset() || (!records.isEmpty() && offset <= lastOffset());
  }

  /** Whether (lsn, txIndex) sorts strictly after everything archived and buffered. */
  boolean follows(long lsn, int txIndex) {
    if (!records.isEmpty()) {
      EncodedRecord last = records.get(records.size() - 1);
      return SegmentWriter.after(lsn, txIndex, last.lsn(), last.txIndex());
    }
    return head.lastLsn() == null
        || SegmentWriter.after(lsn, txIndex, head.lastLsn(), head.lastTxIndex());
  }

  /** Whether the first buffered record sorts strictly after the head (checked after a rebase). */
  boolean bufferFollowsHead() {
    if (records.isEmpty() || head.lastLsn() == null) {
      return true;
    }
    EncodedRecord first = records.get(0);
    return SegmentWriter.after(first.lsn(), first.txIndex(), head.lastLsn(), head.lastTxIndex());
  }

  /** The buffered record at the same (lsn, txIndex), or null. */
  ChangeRecord bufferedAt(long lsn, int txIndex) {
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

  void add(EncodedRecord record, long offset, int size) {
    records.add(record);
    offsets.add(offset);
    sizes.add(size);
    bytes += size;
  }

  /** After a commit: the new head, and an empty buffer. */
  void committed(StreamHead newHead) {
    head = newHead;
    records.clear();
    offsets.clear();
    sizes.clear();
    bytes = 0;
  }

  /**
   * After losing a claim: adopt {@code current} and drop what it already holds.
   *
   * @return how many buffered records were dropped
   */
  int rebase(StreamHead current) {
    head = current;
    int dropped = 0;
    while (!offsets.isEmpty() && offsets.get(0) <= current.lastSourceOffset()) {
      records.remove(0);
      offsets.remove(0);
      bytes -= sizes.remove(0);
      dropped++;
    }
    return dropped;
  }
}
