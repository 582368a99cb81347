package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken transactions (no txLast, a txIndex that skips or does not start at 0) are left out of
 * every restore and reported, never applied and never fatal; a transaction split over two streams
 * restores whole. The oracle is the set of row ids each test states by hand.
 */
class IncompleteTransactionsTest {
  private static final StreamId A = new StreamId("shop", "a.changes", 0);
  private static final StreamId B = new StreamId("shop", "b.changes", 0);

  @TempDir Path dir;
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final ArchiveWriter writer = new ArchiveWriter(store, "test");
  private final Map<StreamId, StreamHead> heads = new HashMap<>();
  private final Map<StreamId, Long> offsets = new HashMap<>();
  private int restores;

  /** A row change with id {@code lsn * 100 + txIndex}, committed at second {@code lsn}. */
  private static ChangeRecord change(long lsn, int txIndex, boolean last) {
    long id = lsn * 100 + txIndex;
    Map<String, Object> after = new HashMap<>();
    after.put("id", id);
    return ChangeRecord.newBuilder()
        .setDatabase("shop")
        .setTable("orders")
        .setOp(Op.INSERT)
        .setKey(Map.of("id", id))
        .setAfter(after)
        .setLsn(lsn)
        .setTxIndex(txIndex)
        .setTxLast(last)
        .setCommitTime(Records.T0.plusSeconds(lsn))
        .build();
  }

  private void segment(StreamId stream, ChangeRecord... records) {
    StreamHead head = heads.computeIfAbsent(stream, writer::loadHead);
    long first = offsets.getOrDefault(stream, 0L);
    CommitResult result = writer.commit(head, Records.batch(List.of(records), first));
    heads.put(stream, ((CommitResult.Committed) result).head());
    offsets.put(stream, first + records.length);
  }

  private Restorer.Result restore(RestoreTarget target) {
    Path output = dir.resolve("r" + restores++ + ".db");
    Restorer.Result result =
        new Restorer(store).restore("shop", target, SqliteSink.open(output, false));
    lastOutput = output;
    return result;
  }

  private Path lastOutput;

  private TreeSet<Long> ids() throws Exception {
    TreeSet<Long> ids = new TreeSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + lastOutput);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM orders")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  private static RestoreTarget atTime(long second) {
    return new RestoreTarget.AtTime(Records.T0.plusSeconds(second));
  }

  @Test
  void shouldLeaveOutATransactionWithoutTxLastWhenALaterOneFollows() throws Exception {
    segment(A, change(10, 0, true), change(11, 0, false), change(11, 1, false));
    segment(A, change(12, 0, false), change(12, 1, true));

    for (RestoreTarget target :
        List.<RestoreTarget>of(
            new RestoreTarget.Latest(), new RestoreTarget.AtLsn(12), atTime(12))) {
      Restorer.Result result = restore(target);
      assertThat(ids()).as("%s", target).containsExactly(1000L, 1200L, 1201L);
      assertThat(result.outcome().incomplete().transactions()).isEqualTo(1);
      assertThat(result.outcome().incomplete().records()).isEqualTo(2);
      assertThat(result.outcome().incomplete().lsns()).containsExactly(11L);
      assertThat(result.outcome().pendingRecords()).isZero();
      assertThat(result.outcome().lastLsn()).isEqualTo(12);
    }
    for (RestoreTarget target : List.<RestoreTarget>of(new RestoreTarget.AtLsn(11), atTime(11))) {
      Restorer.Result result = restore(target);
      assertThat(ids()).as("%s", target).containsExactly(1000L);
      assertThat(result.outcome().incomplete().lsns()).containsExactly(11L);
      assertThat(result.outcome().lastLsn()).isEqualTo(10);
    }
    Restorer.Result before = restore(new RestoreTarget.AtLsn(10));
    assertThat(ids()).containsExactly(1000L);
    assertThat(before.outcome().incomplete().transactions()).isZero();
  }

  @Test
  void shouldLeaveOutATransactionWhoseTxIndexSkipsANumber() throws Exception {
    segment(A, change(10, 0, true), change(11, 0, false), change(11, 2, true), change(12, 0, true));

    Restorer.Result result = restore(new RestoreTarget.Latest());

    assertThat(ids()).containsExactly(1000L, 1200L);
    assertThat(result.outcome().incomplete().lsns()).containsExactly(11L);
    assertThat(result.outcome().incomplete().records()).isEqualTo(2);
  }

  @Test
  void shouldLeaveOutATransactionWhoseTxIndexDoesNotStartAtZero() throws Exception {
    segment(A, change(10, 0, true), change(11, 1, false), change(11, 2, true));
    segment(A, change(12, 0, true));

    Restorer.Result result = restore(new RestoreTarget.Latest());

    assertThat(ids()).containsExactly(1000L, 1200L);
    assertThat(result.outcome().incomplete().lsns()).containsExactly(11L);
  }

  @Test
  void shouldLeaveOutRecordsAfterATransactionsTxLast() throws Exception {
    segment(A, change(10, 0, true), change(10, 1, true), change(11, 0, true));

    Restorer.Result result = restore(new RestoreTarget.Latest());

    assertThat(ids()).containsExactly(1000L, 1100L);
    assertThat(result.outcome().incomplete().lsns()).containsExactly(10L);
    assertThat(result.outcome().incomplete().records()).isEqualTo(1);
  }

  @Test
  void shouldRestoreATransactionSplitOverTwoStreamsWhole() throws Exception {
    segment(A, change(10, 0, false), change(10, 2, true), change(12, 0, true));
    segment(B, change(10, 1, false), change(11, 0, true), change(13, 0, true));

    Restorer.Result result = restore(new RestoreTarget.Latest());

    assertThat(ids()).containsExactly(1000L, 1001L, 1002L, 1100L, 1200L, 1300L);
    assertThat(result.outcome().incomplete().transactions()).isZero();
    assertThat(result.outcome().transactions()).isEqualTo(4);
  }

  @Test
  void shouldStopBeforeABrokenLookingTransactionWhileAnotherStreamCouldStillDeliverItsRest()
      throws Exception {
    // Stream B's head is at lsn 9: the missing txIndex 1 of lsn 10 may still arrive there.
    segment(B, change(9, 0, true));
    segment(A, change(10, 0, false), change(10, 2, true), change(11, 0, true));

    Restorer.Result result = restore(new RestoreTarget.Latest());

    assertThat(ids()).containsExactly(900L);
    assertThat(result.outcome().incomplete().transactions()).isZero();
    assertThat(result.outcome().pendingLsn()).isEqualTo(10);
    assertThat(result.outcome().pendingRecords()).isEqualTo(2);

    // Once B moves past lsn 10 without delivering it, the transaction is incomplete for good.
    segment(B, change(12, 0, true));
    Restorer.Result later = restore(new RestoreTarget.Latest());
    assertThat(ids()).containsExactly(900L, 1100L, 1200L);
    assertThat(later.outcome().incomplete().lsns()).containsExactly(10L);
    assertThat(later.outcome().pendingRecords()).isZero();
  }

  @Test
  void shouldReportManyIncompleteTransactionsWithABoundedList() throws Exception {
    List<ChangeRecord> records = new ArrayList<>();
    for (long lsn = 1; lsn <= 250; lsn++) {
      records.add(change(lsn, 0, lsn % 2 == 0));
    }
    records.add(change(251, 0, true));
    segment(A, records.toArray(ChangeRecord[]::new));

    Restorer.Result result = restore(new RestoreTarget.Latest());

    assertThat(result.outcome().incomplete().transactions()).isEqualTo(125);
    assertThat(result.outcome().incomplete().lsns()).hasSize(100).startsWith(1L, 3L, 5L);
    assertThat(result.outcome().transactions()).isEqualTo(126);
    assertThat(ids()).hasSize(126).doesNotContain(100L, 300L).contains(200L, 25100L);
    assertThat(Outcomes.notes(result.outcome(), result.plan()))
        .singleElement()
        .asString()
        .contains("Left out 125 incomplete transactions", " …");
  }
}
