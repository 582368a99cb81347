package io.walstream.restorer.apply;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.read.StoredManifest;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.sink.TransactionPosition;
import io.walstream.restorer.verify.VerifiedArchive;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.value.Values;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiConsumer;

/**
 * Merges the planned streams of a database by (lsn, txIndex), groups records into transactions
 * (complete once their {@code txLast} record is read), and hands each complete transaction within
 * the target to the consumer, in order; stops at the first one beyond the target. Holds one segment
 * per stream in memory at a time.
 */
public final class TransactionMerger {
  /** What the merge did. */
  public record Outcome(
      long transactions,
      long records,
      Long lastLsn,
      Long lastCommitMicros,
      long incompleteRecords) {}

  private final VerifiedArchive archive;

  public TransactionMerger(VerifiedArchive archive) {
    this.archive = archive;
  }

  public Outcome merge(
      RestorePlan plan, BiConsumer<List<ChangeRecord>, TransactionPosition> transactions) {
    PriorityQueue<Cursor> queue =
        new PriorityQueue<>(
            (a, b) -> {
              int byLsn = Long.compare(a.current.getLsn(), b.current.getLsn());
              return byLsn != 0
                  ? byLsn
                  : Integer.compare(a.current.getTxIndex(), b.current.getTxIndex());
            });
    for (RestorePlan.StreamPlan stream : plan.streams()) {
      Cursor cursor = new Cursor(stream.stream(), stream.manifests().iterator());
      if (cursor.advance()) {
        queue.add(cursor);
      }
    }
    List<ChangeRecord> pending = new ArrayList<>();
    long applied = 0;
    long records = 0;
    Long lastLsn = null;
    Long lastCommit = null;
    while (!queue.isEmpty()) {
      Cursor cursor = queue.poll();
      ChangeRecord record = cursor.current;
      TransactionPosition position =
          new TransactionPosition(cursor.stream, cursor.seq, record.getLsn());
      if (!pending.isEmpty() && pending.get(0).getLsn() != record.getLsn()) {
        throw new IntegrityException(
            cursor.key,
            "Cannot restore: transaction "
                + pending.get(0).getLsn()
                + " ends without its txLast record before lsn "
                + record.getLsn());
      }
      pending.add(record);
      if (cursor.advance()) {
        queue.add(cursor);
      }
      if (record.getTxLast()) {
        long commit = Values.toMicros(record.getCommitTime());
        if (!plan.target().admits(record.getLsn(), commit)) {
          pending.clear();
          break;
        }
        transactions.accept(List.copyOf(pending), position);
        applied++;
        records += pending.size();
        lastLsn = record.getLsn();
        lastCommit = commit;
        pending.clear();
      }
    }
    return new Outcome(applied, records, lastLsn, lastCommit, pending.size());
  }

  /** Walks one stream's planned segments record by record. */
  private final class Cursor {
    private final io.walstream.archive.layout.StreamId stream;
    private final Iterator<StoredManifest> manifests;
    private Iterator<ChangeRecord> records = java.util.Collections.emptyIterator();
    private ChangeRecord current;
    private String key;
    private long seq;
    private long nextSeq;

    Cursor(io.walstream.archive.layout.StreamId stream, Iterator<StoredManifest> manifests) {
      this.stream = stream;
      this.manifests = manifests;
    }

    boolean advance() {
      while (!records.hasNext()) {
        if (!manifests.hasNext()) {
          current = null;
          return false;
        }
        Manifest manifest = manifests.next().manifest();
        if (manifest.kind() == Manifest.Kind.SEGMENT) {
          key = manifest.segmentKey();
          nextSeq = manifest.seq();
          records = archive.records(manifest).iterator();
        }
      }
      current = records.next();
      seq = nextSeq;
      return true;
    }
  }
}
