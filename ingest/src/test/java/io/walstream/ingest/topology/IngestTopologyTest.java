package io.walstream.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The ingest topology under Kafka's TopologyTestDriver: transactions reassembled from events that
 * arrive in any order over several topics, released in commit order at their commit LSN, timeouts,
 * redelivery, and every dead-letter reason.
 */
class IngestTopologyTest extends IngestTopologyFixture {
  @Test
  void shouldReleaseATransactionOnlyOnceItsEndAndAllCountedEventsArrived() {
    start(true);
    begin("5");
    change(accounts, "accounts", 1, "5", 1);
    end("5", 3, 1000L);
    change(ledger, "ledger", 2, "5", 2);
    assertThat(out.isEmpty()).isTrue();
    change(accounts, "accounts", 3, "5", 3);
    List<ChangeRecord> records = released();
    assertThat(records).extracting(ChangeRecord::getLsn).containsOnly(1000L);
    assertThat(records).extracting(ChangeRecord::getTxIndex).containsExactly(0, 1, 2);
    assertThat(records).extracting(ChangeRecord::getTxLast).containsExactly(false, false, true);
    assertThat(records)
        .extracting(ChangeRecord::getTable)
        .containsExactly("public.accounts", "public.ledger", "public.accounts");
    assertThat(records).extracting(ChangeRecord::getDatabase).containsOnly("shop");
    assertThat(records.get(0).getOp()).isEqualTo(Op.INSERT);
    assertThat(records.get(0).getAfter()).containsEntry("v", "accounts1");
  }

  @Test
  void shouldReleaseInCommitOrderWhenALaterTransactionCompletesFirst() {
    start(true);
    end("7", 2, 100L);
    end("8", 1, 200L);
    change(ledger, "ledger", 10, "8", 1);
    assertThat(out.isEmpty()).as("8 waits for 7, which committed first").isTrue();
    change(accounts, "accounts", 11, "7", 2);
    change(accounts, "accounts", 12, "7", 1);
    assertThat(released())
        .extracting(r -> r.getLsn() + "/" + r.getTxIndex())
        .containsExactly("100/0", "100/1", "200/0");
  }

  @Test
  void shouldDeadLetterAnIncompleteTransactionAfterTheTimeoutAndGoOn() {
    start(true);
    end("7", 2, 100L);
    change(accounts, "accounts", 1, "7", 1);
    end("8", 1, 200L);
    change(ledger, "ledger", 2, "8", 1);
    assertThat(out.isEmpty()).isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(11));
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), Staged.REASON)).isEqualTo("incomplete-transaction");
    assertThat(header(dead.get(0), Staged.TRANSACTION)).isEqualTo("7");
    assertThat(header(dead.get(0), Staged.DETAIL)).contains("1 of 2 events");
    assertThat(RECORDS.decode(dead.get(0).value()).getAfter()).containsEntry("v", "accounts1");
    assertThat(released()).extracting(ChangeRecord::getLsn).containsExactly(200L);
  }

  @Test
  void shouldDeadLetterEventsWhoseEndNeverCame() {
    start(true);
    change(accounts, "accounts", 1, "9", 1);
    driver.advanceWallClockTime(Duration.ofSeconds(11));
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), Staged.REASON)).isEqualTo("no-end");
    assertThat(out.isEmpty()).isTrue();
  }

  @Test
  void shouldReleaseEventsSentAgainIdenticallyAfterTheirTransactionWasReleased() {
    start(true);
    end("5", 2, 1000L);
    change(accounts, "accounts", 1, "5", 1);
    change(accounts, "accounts", 2, "5", 2);
    List<ChangeRecord> first = released();
    // The connector restarts and sends the transaction again, END included.
    change(accounts, "accounts", 1, "5", 1);
    change(accounts, "accounts", 2, "5", 2);
    end("5", 2, 1000L);
    assertThat(released()).isEqualTo(first);
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldForgetReleasedTransactionsBeyondTheirMemory() {
    start(true);
    for (String tx : List.of("1", "2", "3")) {
      end(tx, 1, Long.parseLong(tx) * 100);
      change(accounts, "accounts", Long.parseLong(tx), tx, 1);
    }
    assertThat(released()).hasSize(3);
    // Transaction 1 is forgotten (memory 2): its event sent again waits for an END, then expires.
    change(accounts, "accounts", 1, "1", 1);
    assertThat(out.isEmpty()).isTrue();
    change(accounts, "accounts", 3, "3", 1);
    assertThat(released()).extracting(ChangeRecord::getLsn).containsExactly(300L);
  }

  @Test
  void shouldDeadLetterATransactionWhoseEndCarriesNoCommitLsn() {
    start(true);
    end("5", 1, null);
    change(accounts, "accounts", 1, "5", 1);
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), Staged.REASON)).isEqualTo("missing-commit-lsn");
    assertThat(out.isEmpty()).isTrue();
  }

  @Test
  void shouldSkipTombstonesAndDeadLetterUnmappableEventsAsTheyCame() {
    start(true);
    accounts.pipeInput(utf8("{\"id\":1}"), (byte[]) null);
    accounts.pipeInput(utf8("{\"id\":1}"), utf8("{broken"));
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), Staged.REASON)).isEqualTo("unmappable");
    assertThat(header(dead.get(0), Staged.SOURCE_TOPIC)).isEqualTo("pg.public.accounts");
    assertThat(header(dead.get(0), Staged.SOURCE_OFFSET)).isEqualTo("1");
    assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{broken");
    assertThat(metrics.count("walstream.ingest.events.in", "kind", "tombstone")).isEqualTo(1);
    assertThat(out.isEmpty()).isTrue();
  }

  @Test
  void shouldDeadLetterAChangeWithoutTransactionWhenMetadataIsOn() {
    start(true);
    change(accounts, "accounts", 1, null, 0);
    assertThat(header(dlq.readRecord(), Staged.REASON)).isEqualTo("no-transaction");
  }

  @Test
  void shouldDeadLetterAChangeWithoutSourceLsnWhenMetadataIsOff() {
    start(false);
    accounts.pipeInput(
        utf8("{\"id\":1}"),
        utf8(
            "{\"before\":null,\"after\":{\"id\":1},\"source\":{\"db\":\"src\","
                + "\"table\":\"accounts\",\"ts_ms\":5},\"op\":\"c\"}"));
    TestRecord<String, byte[]> dead = dlq.readRecord();
    assertThat(header(dead, Staged.REASON)).isEqualTo("no-source-lsn");
    assertThat(RECORDS.decode(dead.value()).getTable()).isEqualTo("accounts");
    assertThat(out.isEmpty()).isTrue();
  }

  @Test
  void shouldDeadLetterATransactionWhoseTotalOrdersAreNotOneToItsCount() {
    start(true);
    end("5", 2, 1000L);
    change(accounts, "accounts", 1, "5", 1);
    change(accounts, "accounts", 2, "5", 3);
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(2);
    assertThat(header(dead.get(0), Staged.DETAIL)).contains("not 1..2");
    assertThat(out.isEmpty()).isTrue();
  }

  @Test
  void shouldReleaseEachEventAtItsSourceLsnWithoutTransactionMetadata() {
    start(false);
    change(accounts, "accounts", 1, null, 0);
    change(ledger, "ledger", 2, null, 0);
    assertThat(released())
        .extracting(r -> r.getLsn() + "/" + r.getTxIndex() + "/" + r.getTxLast())
        .containsExactly("501/0/true", "502/0/true");
  }
}
