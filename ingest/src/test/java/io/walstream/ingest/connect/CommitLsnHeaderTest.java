package io.walstream.ingest.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
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
}
