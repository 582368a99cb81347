package io.walstream.archive.testing;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.Batch;
import io.walstream.archive.writer.CommitResult;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small, deterministic change-record workloads for archive tests. */
public final class Records {
  public static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  private Records() {}

  /**
   * {@code transactions} transactions of {@code perTx} records each for {@code database}, starting
   * at {@code firstLsn}, one second apart, inserting rows {@code id = lsn * 100 + txIndex}.
   */
  public static List<ChangeRecord> transactions(
      String database, long firstLsn, int transactions, int perTx) {
    List<ChangeRecord> records = new ArrayList<>();
    for (int t = 0; t < transactions; t++) {
      long lsn = firstLsn + t;
      for (int i = 0; i < perTx; i++) {
        long id = lsn * 100 + i;
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("id", id);
        after.put("note", "row " + id);
        records.add(
            ChangeRecord.newBuilder()
                .setDatabase(database)
                .setTable(i % 2 == 0 ? "orders" : "customers")
                .setOp(Op.INSERT)
                .setKey(Map.of("id", id))
                .setAfter(after)
                .setLsn(lsn)
                .setTxIndex(i)
                .setTxLast(i == perTx - 1)
                .setCommitTime(T0.plusSeconds(lsn))
                .build());
      }
    }
    return records;
  }

  /**
   * Commits {@code segments} segments to {@code stream}, each of {@code transactionsPerSegment}
   * {@link #transactions} of {@code perTx} records; lsns run on from {@code firstLsn} and source
   * offsets from 0, without gaps.
   *
   * @return what each commit returned, in chain order
   */
  public static List<CommitResult.Committed> archive(
      ArchiveWriter writer,
      StreamId stream,
      long firstLsn,
      int segments,
      int transactionsPerSegment,
      int perTx) {
    List<CommitResult.Committed> committed = new ArrayList<>();
    StreamHead head = writer.loadHead(stream);
    for (int i = 0; i < segments; i++) {
      List<ChangeRecord> records =
          transactions(
              stream.database(),
              firstLsn + (long) transactionsPerSegment * i,
              transactionsPerSegment,
              perTx);
      CommitResult result = writer.commit(head, batch(records, (long) i * records.size()));
      if (!(result instanceof CommitResult.Committed c)) {
        throw new IllegalStateException("Cannot archive test segment " + i + ": " + result);
      }
      committed.add(c);
      head = c.head();
    }
    return committed;
  }

  /** A batch of {@code records} read from consecutive offsets starting at {@code firstOffset}. */
  public static Batch batch(List<ChangeRecord> records, long firstOffset) {
    long last = firstOffset + records.size() - 1;
    return Batch.of(records, firstOffset, last, last, null);
  }
}
