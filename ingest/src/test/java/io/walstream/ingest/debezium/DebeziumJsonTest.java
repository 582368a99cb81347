package io.walstream.ingest.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.Op;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebeziumJsonTest {
  private static final DebeziumJson PARSER = new DebeziumJson(null);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String envelope(String op, String before, String after, String extra) {
    return "{\"before\":"
        + before
        + ",\"after\":"
        + after
        + ",\"source\":{\"db\":\"shop\",\"schema\":\"public\",\"table\":\"orders\","
        + "\"ts_ms\":1700000000123,\"ts_us\":1700000000123456,\"lsn\":4242},"
        + "\"op\":\""
        + op
        + "\",\"ts_ms\":1700000000200"
        + extra
        + "}";
  }

  @Test
  void shouldMapEachOpAndTakeTableFromSchemaAndTable() {
    DebeziumEvent.Change c =
        (DebeziumEvent.Change)
            PARSER.change(
                utf8("{\"id\":1}"), utf8(envelope("c", "null", "{\"id\":1,\"n\":\"a\"}", "")));
    assertThat(c.op()).isEqualTo(Op.INSERT);
    assertThat(c.database()).isEqualTo("shop");
    assertThat(c.table()).isEqualTo("public.orders");
    assertThat(c.key()).isEqualTo(Map.of("id", 1L));
    assertThat(c.after()).containsEntry("n", "a");
    assertThat(c.commitTimeMicros()).isEqualTo(1700000000123456L);
    assertThat(c.sourceLsn()).isEqualTo(4242);
    assertThat(c.transaction()).isEmpty();
    assertThat(op("r")).isEqualTo(Op.INSERT);
    assertThat(op("u")).isEqualTo(Op.UPDATE);
    DebeziumEvent.Change d =
        (DebeziumEvent.Change)
            PARSER.change(utf8("{\"id\":1}"), utf8(envelope("d", "{\"id\":1}", "null", "")));
    assertThat(d.op()).isEqualTo(Op.DELETE);
    assertThat(d.after()).isNull();
    assertThat(d.before()).containsEntry("id", 1L);
  }

  @Test
  void shouldTellStreamedChangesFromSnapshotAndIncrementalSnapshotReads() {
    assertThat(origin("c", "false")).isEqualTo(DebeziumEvent.Origin.STREAM);
    assertThat(origin("u", "false")).isEqualTo(DebeziumEvent.Origin.STREAM);
    for (String marker : new String[] {"first", "true", "last_in_data_collection", "last"}) {
      assertThat(origin("r", marker)).as(marker).isEqualTo(DebeziumEvent.Origin.SNAPSHOT);
    }
    assertThat(origin("r", "incremental")).isEqualTo(DebeziumEvent.Origin.INCREMENTAL_SNAPSHOT);
  }

  private static DebeziumEvent.Origin origin(String code, String snapshot) {
    String event =
        envelope(code, "null", "{\"id\":1}", "")
            .replace("\"lsn\":4242", "\"lsn\":4242,\"snapshot\":\"" + snapshot + "\"");
    return ((DebeziumEvent.Change) PARSER.change(utf8("{\"id\":1}"), utf8(event))).origin();
  }

  private static Op op(String code) {
    return ((DebeziumEvent.Change)
            PARSER.change(utf8("{\"id\":1}"), utf8(envelope(code, "null", "{\"id\":1}", ""))))
        .op();
  }

  @Test
  void shouldMapTruncateWithoutAKey() {
    DebeziumEvent.Change t =
        (DebeziumEvent.Change) PARSER.change(null, utf8(envelope("t", "null", "null", "")));
    assertThat(t.op()).isEqualTo(Op.TRUNCATE);
    assertThat(t.key()).isEmpty();
  }

  @Test
  void shouldTreatNullValuesAsTombstones() {
    assertThat(PARSER.change(utf8("{\"id\":1}"), null)).isInstanceOf(DebeziumEvent.Tombstone.class);
    assertThat(PARSER.change(utf8("{\"id\":1}"), utf8("{\"schema\":null,\"payload\":null}")))
        .isInstanceOf(DebeziumEvent.Tombstone.class);
  }

  @Test
  void shouldUseTheDatabaseOverrideAndFallBackToMillisecondCommitTime() {
    String noMicros =
        "{\"before\":null,\"after\":{\"id\":1},\"source\":{\"db\":\"x\",\"table\":\"t\","
            + "\"ts_ms\":5},\"op\":\"c\"}";
    DebeziumEvent.Change c =
        (DebeziumEvent.Change) new DebeziumJson("named").change(utf8("{\"id\":1}"), utf8(noMicros));
    assertThat(c.database()).isEqualTo("named");
    assertThat(c.table()).isEqualTo("t");
    assertThat(c.commitTimeMicros()).isEqualTo(5_000);
    assertThat(c.sourceLsn()).isEqualTo(-1);
  }

  @Test
  void shouldReadTheTransactionPlace() {
    DebeziumEvent.Change c =
        (DebeziumEvent.Change)
            PARSER.change(
                utf8("{\"id\":1}"),
                utf8(
                    envelope(
                        "c",
                        "null",
                        "{\"id\":1}",
                        ",\"transaction\":{\"id\":\"571\",\"total_order\":3,\"data_collection_order\":1}")));
    assertThat(c.transaction()).contains(new DebeziumEvent.TransactionPlace("571", 3));
  }

  @Test
  void shouldGroupPostgresTransactionIdsByTheirXidAndKeepOtherIdsWhole() {
    // Debezium 3.6's PostgreSQL connector: <xid>:<lsn of the event>, different on every event.
    assertThat(DebeziumJson.transactionKey("1127:62145528")).isEqualTo("1127");
    assertThat(DebeziumJson.transactionKey("1127:62146264")).isEqualTo("1127");
    assertThat(DebeziumJson.transactionKey("571")).isEqualTo("571");
    String gtid = "3E11FA47-71CA-11E1-9E33-C80AA9429562:23";
    assertThat(DebeziumJson.transactionKey(gtid)).isEqualTo(gtid);
  }

  @Test
  void shouldReadBeginAndEndWithCountsAndCommitLsn() {
    DebeziumEvent.Boundary begin =
        PARSER.boundary(
            utf8("{\"status\":\"BEGIN\",\"id\":\"571\",\"event_count\":null}"), Optional.empty());
    assertThat(begin.status()).isEqualTo(DebeziumEvent.Status.BEGIN);
    DebeziumEvent.Boundary end =
        PARSER.boundary(
            utf8(
                "{\"status\":\"END\",\"id\":\"571\",\"event_count\":2,\"data_collections\":"
                    + "[{\"data_collection\":\"public.a\",\"event_count\":1},"
                    + "{\"data_collection\":\"public.b\",\"event_count\":1}],\"ts_ms\":7}"),
            Optional.of(99L));
    assertThat(end.eventCount()).isEqualTo(2);
    assertThat(end.collections()).containsEntry("public.a", 1L).containsEntry("public.b", 1L);
    assertThat(end.commitLsn()).contains(99L);
    assertThat(end.commitTimeMicros()).isEqualTo(7_000);
  }

  @Test
  void shouldNameWhatIsWrongWithABadEvent() {
    assertThatThrownBy(() -> PARSER.change(utf8("{\"id\":1}"), utf8("{not json")))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("Cannot parse the value as JSON");
    assertThatThrownBy(
            () -> PARSER.change(utf8("{\"id\":1}"), utf8(envelope("m", "null", "{\"id\":1}", ""))))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("Unknown op 'm'");
    assertThatThrownBy(() -> PARSER.change(null, utf8(envelope("c", "null", "{\"id\":1}", ""))))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("no record key");
    assertThatThrownBy(
            () -> PARSER.change(utf8("{\"id\":1}"), utf8("{\"op\":\"c\",\"after\":{\"id\":1}}")))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("has no 'source'");
    assertThatThrownBy(
            () -> PARSER.boundary(utf8("{\"status\":\"COMMIT\",\"id\":\"1\"}"), Optional.empty()))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("unknown status 'COMMIT'");
  }

  @Test
  void shouldRefuseDebeziumsUnavailableValuePlaceholder() {
    String after = "{\"id\":1,\"doc\":\"" + DebeziumJson.UNAVAILABLE_VALUE + "\"}";
    assertThatThrownBy(
            () -> PARSER.change(utf8("{\"id\":1}"), utf8(envelope("u", "null", after, ""))))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("public.orders.after.doc")
        .hasMessageContaining("REPLICA IDENTITY FULL");
  }
}
