package io.walstream.ingest.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class CommitLsnHeaderTest {
  private static final Schema TX =
      SchemaBuilder.struct()
          .field("status", Schema.STRING_SCHEMA)
          .field("id", Schema.STRING_SCHEMA)
          .build();
  private final CommitLsnHeader transform = new CommitLsnHeader();

  private static SourceRecord record(Object value, Schema schema, Map<String, ?> offset) {
    return new SourceRecord(Map.of("server", "pg"), offset, "pg.transaction", null, schema, value);
  }

  private static Struct tx(String status) {
    return new Struct(TX).put("status", status).put("id", "571");
  }

  @Test
  void shouldCopyTheCommitLsnOfTheOffsetOntoEndEvents() {
    SourceRecord out =
        transform.apply(record(tx("END"), TX, Map.of("lsn_commit", 23_456_789L, "lsn", 1L)));
    assertThat(out.headers().lastWithName(CommitLsnHeader.HEADER).value()).isEqualTo("23456789");
    assertThat(out.value()).isEqualTo(tx("END"));
  }

  @Test
  void shouldLeaveBeginDataEventsAndOffsetsWithoutACommitLsnAlone() {
    assertThat(transform.apply(record(tx("BEGIN"), TX, Map.of("lsn_commit", 5L))).headers())
        .isEmpty();
    Schema row = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
    assertThat(
            transform
                .apply(record(new Struct(row).put("id", 1L), row, Map.of("lsn_commit", 5L)))
                .headers())
        .isEmpty();
    assertThat(transform.apply(record(tx("END"), TX, Map.of("lsn", 5L))).headers()).isEmpty();
    assertThat(transform.apply(record(null, null, Map.of("lsn_commit", 5L))).headers()).isEmpty();
  }

  private static final Schema SOURCE =
      SchemaBuilder.struct()
          .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
          .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
          .build();
  private static final Schema ENVELOPE =
      SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("source", SOURCE).build();

  private SourceRecord row(String op, String marker, long lsn) {
    Struct value =
        new Struct(ENVELOPE)
            .put("op", op)
            .put("source", new Struct(SOURCE).put("snapshot", marker).put("lsn", lsn));
    return transform.apply(
        new SourceRecord(
            Map.of("server", "pg"), Map.of("lsn", lsn), "pg.public.t", null, ENVELOPE, value));
  }

  private static String header(SourceRecord record, String name) {
    var h = record.headers().lastWithName(name);
    return h == null ? null : (String) h.value();
  }

  @Test
  void shouldNumberSnapshotRowsCountThemOnTheLastAndNameTheSnapshotOnEveryEndAfter() {
    assertThat(
            header(
                transform.apply(record(tx("END"), TX, Map.of("lsn_commit", 5L))),
                CommitLsnHeader.SNAPSHOT_LSN))
        .as("no snapshot yet")
        .isNull();
    List<SourceRecord> rows =
        List.of(
            row("r", "first", 700),
            row("r", "true", 700),
            row("r", "last_in_data_collection", 700),
            row("r", "first_in_data_collection", 700),
            row("r", "last", 700));
    assertThat(rows)
        .extracting(r -> header(r, CommitLsnHeader.SNAPSHOT_ORDER))
        .containsExactly("1", "2", "3", "4", "5");
    assertThat(rows)
        .extracting(r -> header(r, CommitLsnHeader.SNAPSHOT_COUNT))
        .containsExactly(null, null, null, null, "5");
    SourceRecord streamed = row("c", "false", 800);
    assertThat(streamed.headers()).isEmpty();
    for (long commit : new long[] {900, 950}) {
      SourceRecord end = transform.apply(record(tx("END"), TX, Map.of("lsn_commit", commit)));
      assertThat(header(end, CommitLsnHeader.HEADER)).isEqualTo(Long.toString(commit));
      assertThat(header(end, CommitLsnHeader.SNAPSHOT_LSN)).isEqualTo("700");
      assertThat(header(end, CommitLsnHeader.SNAPSHOT_COUNT)).isEqualTo("5");
    }
  }

  @Test
  void shouldLeaveIncrementalSnapshotRowsUncountedAndRestartTheCountAtAFirstRow() {
    assertThat(row("r", "incremental", 700).headers()).isEmpty();
    row("r", "first", 700);
    row("r", "true", 700);
    // The connector took the snapshot again (say, after a failure): counted from 1 again.
    assertThat(header(row("r", "first", 710), CommitLsnHeader.SNAPSHOT_ORDER)).isEqualTo("1");
    SourceRecord last = row("r", "last", 710);
    assertThat(header(last, CommitLsnHeader.SNAPSHOT_COUNT)).isEqualTo("2");
    SourceRecord only =
        new CommitLsnHeader()
            .apply(
                last.newRecord(
                    last.topic(),
                    null,
                    null,
                    null,
                    last.valueSchema(),
                    last.value(),
                    0L,
                    new ConnectHeaders()));
    assertThat(header(only, CommitLsnHeader.SNAPSHOT_COUNT))
        .as("a one-row snapshot: its only row is its last")
        .isEqualTo("1");
  }
}
