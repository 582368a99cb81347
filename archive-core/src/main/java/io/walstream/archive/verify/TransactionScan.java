package io.walstream.archive.verify;

import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Position;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.TransactionGroup;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.Finding.Kind;
import io.walstream.schemas.avro.ChangeRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Finds a database's incomplete transactions (docs/FORMAT.md §5.1): its streams' records merged by
 * (lsn, txIndex) and grouped by lsn with the same {@link TransactionGroup} rule restores apply.
 * Each is a warning naming the segment that holds its first record: restores leave it out. Groups
 * that a stream could still complete (it ends at or below their lsn) are not judged. Reads one
 * segment per stream at a time; meant for chains already verified (a broken chain is reported as
 * such).
 */
public final class TransactionScan {
  private static boolean anyEncrypted(List<List<StoredManifest>> chains) {
    return chains.stream()
        .flatMap(List::stream)
        .anyMatch(
            m -> m.manifest() instanceof Manifest.Segment s && s.segment().encryption() != null);
  }

  /** Incomplete transactions reported one by one; beyond this, one finding counts the rest. */
  public static final int MAX_LISTED = 1000;

  private final ObjectStore store;
  private final Keyring keys;

  /** A scan of plaintext archives; see {@link #TransactionScan(ObjectStore, Keyring)}. */
  public TransactionScan(ObjectStore store) {
    this(store, Keyring.none());
  }

  /**
   * A scan that decrypts with {@code keys}; without keys, a database with any encrypted segment is
   * not scanned (its records cannot be read), and no finding is made about it.
   */
  public TransactionScan(ObjectStore store, Keyring keys) {
    this.store = store;
    this.keys = keys;
  }

  /**
   * The incomplete transactions of {@code database}, whose streams' manifests are {@code chains}.
   */
  public List<Finding> scan(String database, List<List<StoredManifest>> chains) {
    return scan(database, chains, -1);
  }

  /**
   * As {@link #scan(String, List)} for chains that start at a retention floor: transactions up to
   * {@code throughLsn} (the floor snapshot's) are in the snapshot, which records its incomplete
   * ones; their records after the floor are not judged again.
   */
  public List<Finding> scan(String database, List<List<StoredManifest>> chains, long throughLsn) {
    return !keys.hasKeys() && anyEncrypted(chains)
        ? List.of()
        : scanRecords(database, chains, throughLsn);
  }

  private List<Finding> scanRecords(
      String database, List<List<StoredManifest>> chains, long throughLsn) {
    List<Cursor> cursors = new ArrayList<>();
    PriorityQueue<Cursor> queue = open(chains, cursors);
    List<Finding> findings = new ArrayList<>();
    long unlisted = 0;
    TransactionGroup group = new TransactionGroup();
    String groupKey = null;
    while (true) {
      Cursor cursor = queue.poll();
      ChangeRecord record = cursor == null ? null : cursor.current;
      if (!group.isEmpty() && (record == null || record.getLsn() != group.lsn())) {
        if (undecided(cursors, group.lsn())) {
          break;
        }
        if (findings.size() < MAX_LISTED) {
          findings.add(incomplete(database, group, groupKey));
        } else {
          unlisted++;
        }
        group.clear();
      }
      if (record == null) {
        break;
      }
      if (record.getLsn() <= throughLsn) {
        if (cursor.advance()) {
          queue.add(cursor);
        }
        continue;
      }
      if (group.isEmpty()) {
        groupKey = cursor.key;
      }
      group.add(record);
      if (group.complete()) {
        group.completed();
      }
      if (cursor.advance()) {
        queue.add(cursor);
      }
    }
    if (unlisted > 0) {
      findings.add(
          Finding.of(
              Kind.INCOMPLETE_TRANSACTION,
              groupKey,
              unlisted + " more incomplete transactions of " + database + " not listed"));
    }
    return findings;
  }

  /** A cursor per chain, in {@code cursors}; the queue of those with a record, by position. */
  private PriorityQueue<Cursor> open(List<List<StoredManifest>> chains, List<Cursor> cursors) {
    PriorityQueue<Cursor> queue =
        new PriorityQueue<>((a, b) -> Position.RECORD_ORDER.compare(a.current, b.current));
    for (List<StoredManifest> chain : chains) {
      Cursor cursor = new Cursor(chain.iterator());
      cursors.add(cursor);
      if (cursor.advance()) {
        queue.add(cursor);
      }
    }
    return queue;
  }

  private static Finding incomplete(String database, TransactionGroup group, String key) {
    return Finding.of(
        Kind.INCOMPLETE_TRANSACTION,
        key,
        String.format(
            "transaction lsn %d of %s is incomplete (%s; %d records): every restore leaves it out",
            group.lsn(), database, group.flaw(), group.size()));
  }

  private static boolean undecided(List<Cursor> cursors, long lsn) {
    for (Cursor c : cursors) {
      if (c.current == null && (c.lastLsn == null || c.lastLsn <= lsn)) {
        return true;
      }
    }
    return false;
  }

  /** One stream's records, one segment read at a time. */
  private final class Cursor {
    private final Iterator<StoredManifest> manifests;
    private SegmentReader reader;
    private ChangeRecord current;
    private Long lastLsn;
    private String key;

    Cursor(Iterator<StoredManifest> manifests) {
      this.manifests = manifests;
    }

    boolean advance() {
      while (reader == null || !reader.hasNext()) {
        close();
        Manifest.Segment next = nextSegment();
        if (next == null) {
          current = null;
          return false;
        }
        key = next.segment().key();
        byte[] bytes =
            store
                .readAll(key)
                .orElseThrow(() -> new IntegrityException(key, "Cannot scan " + key + ": gone"));
        reader = SegmentReader.open(bytes, next, keys);
      }
      current = reader.next();
      lastLsn = current.getLsn();
      return true;
    }

    private Manifest.Segment nextSegment() {
      while (manifests.hasNext()) {
        if (manifests.next().manifest() instanceof Manifest.Segment s) {
          return s;
        }
      }
      return null;
    }

    private void close() {
      if (reader == null) {
        return;
      }
      try {
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot close segment " + key, e);
      }
      reader = null;
    }
  }
}
