package io.walstream.archive.testing;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One stream of database "shop" that tests grow segment by segment, each of three {@link
 * Records#transactions} of two records (an {@code orders} and a {@code customers} row, ids {@code
 * lsn * 100} and {@code lsn * 100 + 1}), lsns from 100 (or another start) and offsets from 0, and
 * the ids a restore up to its last lsn must hold.
 */
public final class GrowingArchive {
  public static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);
  private static final int PER_SEGMENT = 3;

  private final ArchiveWriter writer;
  private final long firstLsn;
  private long nextLsn;
  private long nextOffset;

  public GrowingArchive(ObjectStore store, long firstLsn) {
    this(store, firstLsn, io.walstream.archive.crypto.Keyring.none());
  }

  /** An archive whose segments are encrypted with {@code keys}. */
  public GrowingArchive(
      ObjectStore store, long firstLsn, io.walstream.archive.crypto.Keyring keys) {
    this.writer = new ArchiveWriter(store, "test", 3, keys);
    this.firstLsn = firstLsn;
    this.nextLsn = firstLsn;
  }

  /** Archives {@code n} more segments. */
  public GrowingArchive segments(int n) {
    StreamHead head = writer.loadHead(SHOP);
    for (int i = 0; i < n; i++) {
      var records = Records.transactions("shop", nextLsn, PER_SEGMENT, 2);
      head =
          ((CommitResult.Committed) writer.commit(head, Records.batch(records, nextOffset))).head();
      nextLsn += PER_SEGMENT;
      nextOffset += records.size();
    }
    return this;
  }

  /** The lsn of the last archived transaction. */
  public long lastLsn() {
    return nextLsn - 1;
  }

  /** The ids per table a restore up to {@code lsn} holds. */
  public Map<String, TreeSet<Long>> model(long lsn) {
    Map<String, TreeSet<Long>> tables = new TreeMap<>();
    for (long l = firstLsn; l <= lsn; l++) {
      tables.computeIfAbsent("orders", t -> new TreeSet<>()).add(l * 100);
      tables.computeIfAbsent("customers", t -> new TreeSet<>()).add(l * 100 + 1);
    }
    return tables;
  }

  /** The ids per table a restore of everything archived holds. */
  public Map<String, TreeSet<Long>> model() {
    return model(lastLsn());
  }
}
