package io.walstream.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.ingest.assemble.SnapshotId;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.value.Values;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The rows of an initial snapshot through the ingest topology: one transaction at the snapshot's
 * LSN, released whole and before the transactions after it, however the rows and ENDs interleave;
 * large snapshots released in chunks; slow ones waited for; rows sent again released identically.
 */
class IngestSnapshotTest extends IngestTopologyFixture {
  private static final long LSN = 23_000_000L;

  @Test
  void shouldReleaseASnapshotAsOneTransactionAtItsLsnOnceItsLastRowAndAllRowsArrived() {
    start(true);
    snapshotRow(ledger, "ledger", 3, LSN, "true", 2L, null);
    snapshotRow(accounts, "accounts", 9, LSN, "last", 3L, 3L);
    assertThat(out.isEmpty()).as("row 1 has not arrived").isTrue();
    snapshotRow(accounts, "accounts", 1, LSN, "first", 1L, null);
    List<ChangeRecord> records = released();
    assertThat(records).extracting(ChangeRecord::getLsn).containsOnly(LSN);
    assertThat(records).extracting(ChangeRecord::getTxIndex).containsExactly(0, 1, 2);
    assertThat(records).extracting(ChangeRecord::getTxLast).containsExactly(false, false, true);
    assertThat(records)
        .extracting(r -> r.getTable() + "/" + r.getAfter().get("v"))
        .containsExactly(
            "public.accounts/accounts1", "public.ledger/ledger3", "public.accounts/accounts9");
    assertThat(records).extracting(ChangeRecord::getOp).containsOnly(Op.INSERT);
    assertThat(records)
        .as("the snapshot's state is the database's when it began: the first row's read time")
        .extracting(ChangeRecord::getCommitTime)
        .containsOnly(Values.fromMicros(1_700_000_000_000_001L));
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldReleaseTheSnapshotBeforeALaterTransactionThatCompletesFirst() {
    start(true);
    // The END after the snapshot, and its event, arrive before any row of the snapshot.
    endAfterSnapshot("900", 1, LSN + 500, LSN, 2);
    change(accounts, "accounts", 50, "900", 1);
    assertThat(out.isEmpty()).as("the transaction waits for the snapshot it follows").isTrue();
    snapshotRow(ledger, "ledger", 2, LSN, "last", 2L, 2L);
    snapshotRow(accounts, "accounts", 1, LSN, "first", 1L, null);
    endAfterSnapshot("901", 1, LSN + 600, LSN, 2);
    change(ledger, "ledger", 51, "901", 1);
    assertThat(released())
        .extracting(r -> r.getLsn() + "/" + r.getTxIndex())
        .containsExactly(LSN + "/0", LSN + "/1", (LSN + 500) + "/0", (LSN + 600) + "/0");
  }

  @Test
  void shouldReleaseASnapshotLargerThanAChunkInStepsAndRowsSentAgainMeanwhileIdentically() {
    start(true);
    int rows = 12_001;
    for (long order = 1; order < rows; order++) {
      snapshotRow(
          order % 2 == 0 ? ledger : accounts, "t" + order % 2, order, LSN, "true", order, null);
    }
    snapshotRow(accounts, "t1", rows, LSN, "last", (long) rows, (long) rows);
    List<ChangeRecord> first = released();
    assertThat(first).as("one chunk per step").hasSize(5_000);
    snapshotRow(ledger, "t0", 4, LSN, "true", 4L, null);
    snapshotRow(accounts, "t1", 9_001, LSN, "true", 9_001L, null);
    List<ChangeRecord> again = released();
    assertThat(again).as("row 4 again; row 9001 is not out yet").hasSize(1);
    assertThat(again.get(0)).isEqualTo(first.get(3));
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    List<ChangeRecord> all = new ArrayList<>(first);
    all.addAll(released());
    assertThat(all)
        .extracting(ChangeRecord::getTxIndex)
        .containsExactlyElementsOf(LongStream.range(0, rows).mapToObj(i -> (int) i).toList());
    assertThat(all).filteredOn(ChangeRecord::getTxLast).hasSize(1);
    assertThat(all.get(rows - 1).getTxLast()).isTrue();
    assertThat(all).extracting(ChangeRecord::getLsn).containsOnly(LSN);
  }

  @Test
  void shouldWaitForASnapshotAsLongAsRowsKeepComingAndDeadLetterOneThatStops() {
    start(true);
    // Rows 30 s apart: longer than the transaction timeout (10 s), shorter than the snapshot's
    // (60 s) — 90 s in all.
    snapshotRow(accounts, "accounts", 1, LSN, "first", 1L, null);
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    snapshotRow(accounts, "accounts", 2, LSN, "true", 2L, null);
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    snapshotRow(accounts, "accounts", 3, LSN, "true", 3L, null);
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    snapshotRow(accounts, "accounts", 4, LSN, "last", 4L, 4L);
    assertThat(released()).hasSize(4);
    assertThat(dlq.isEmpty()).isTrue();

    long stalled = LSN + 10_000;
    snapshotRow(accounts, "accounts", 1, stalled, "first", 1L, null);
    endAfterSnapshot("950", 1, stalled + 100, stalled, 3);
    change(accounts, "accounts", 60, "950", 1);
    driver.advanceWallClockTime(Duration.ofSeconds(61));
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), Staged.REASON)).isEqualTo("incomplete-transaction");
    assertThat(header(dead.get(0), Staged.TRANSACTION)).isEqualTo(SnapshotId.of(stalled));
    assertThat(header(dead.get(0), Staged.DETAIL)).contains("1 of 3 events", "PT1M");
    assertThat(released()).extracting(ChangeRecord::getLsn).containsExactly(stalled + 100);
    // A later row of the stalled snapshot, and ENDs that still name it, do not hold anything up.
    snapshotRow(accounts, "accounts", 2, stalled, "true", 2L, null);
    endAfterSnapshot("951", 1, stalled + 200, stalled, 3);
    change(accounts, "accounts", 61, "951", 1);
    assertThat(header(dlq.readRecordsToList().get(0), Staged.DETAIL))
        .contains("dead-lettered before");
    assertThat(released()).extracting(ChangeRecord::getLsn).containsExactly(stalled + 200);
  }

  @Test
  void shouldReleaseSnapshotRowsSentAgainIdenticallyLongAfterTheReleasedMemoryIsFull() {
    start(true);
    snapshotRow(accounts, "accounts", 1, LSN, "first", 1L, null);
    snapshotRow(accounts, "accounts", 2, LSN, "last", 2L, 2L);
    List<ChangeRecord> snapshot = released();
    for (int tx = 0; tx < 4; tx++) {
      endAfterSnapshot("97" + tx, 1, LSN + 100 + tx, LSN, 2);
      change(ledger, "ledger", 70 + tx, "97" + tx, 1);
    }
    assertThat(released()).hasSize(4);
    snapshotRow(accounts, "accounts", 2, LSN, "last", 2L, 2L);
    assertThat(released()).containsExactly(snapshot.get(1));
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldDeadLetterSnapshotRowsWithoutTheTransformAndRowsOfIncrementalSnapshots() {
    start(true);
    snapshotRow(accounts, "accounts", 1, LSN, "first", null, null);
    snapshotRow(accounts, "accounts", 2, LSN, "incremental", null, null);
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).extracting(r -> header(r, Staged.REASON)).containsOnly("unmappable");
    assertThat(header(dead.get(0), Staged.DETAIL))
        .contains("walstream.snapshot.order", "io.walstream.ingest.connect.CommitLsnHeader");
    assertThat(header(dead.get(1), Staged.DETAIL)).contains("incremental snapshot");
    assertThat(out.isEmpty()).isTrue();
  }
}
