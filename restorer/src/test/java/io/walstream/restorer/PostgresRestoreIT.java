package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.Batch;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.PostgresSink;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.testing.Postgres;
import io.walstream.schemas.value.Values;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Restores into the real PostgreSQL server on 127.0.0.1:5432: natural types, the staging schema
 * swapped in on success, dropped on failure. Skipped with a visible reason when no server answers,
 * unless WALSTREAM_REQUIRE_POSTGRES=1 (as .ci/run sets when the server is up).
 */
class PostgresRestoreIT {
  static final String URL = Postgres.URL;
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00.123456Z");
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final String schema = "restore_" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void requirePostgres() {
    Postgres.require();
  }

  private static ChangeRecord record(
      Op op, long id, Map<String, Object> after, long lsn, boolean last) {
    return ChangeRecord.newBuilder()
        .setDatabase("shop")
        .setTable("orders")
        .setOp(op)
        .setKey(Map.of("id", id))
        .setAfter(after)
        .setLsn(lsn)
        .setTxIndex(0)
        .setTxLast(last)
        .setCommitTime(T0.plusSeconds(lsn))
        .build();
  }

  private void archive() {
    List<ChangeRecord> records = new ArrayList<>();
    for (long id = 1; id <= 3; id++) {
      Map<String, Object> after = new LinkedHashMap<>();
      after.put("id", id);
      after.put("paid", id % 2 == 0);
      after.put("total", Values.decimal(new BigDecimal("12.50").add(BigDecimal.valueOf(id))));
      after.put("ratio", 0.5 * id);
      after.put("note", "naïve \"quoted\" ✓");
      after.put("blob", java.nio.ByteBuffer.wrap(new byte[] {1, 2, (byte) id}));
      after.put("day", Values.date(LocalDate.of(2026, 11, (int) id)));
      after.put("at", Values.timestamp(T0));
      records.add(record(Op.INSERT, id, after, id, true));
    }
    records.add(record(Op.DELETE, 2, null, 4, true));
    ArchiveWriter writer = new ArchiveWriter(store, "pg-test");
    StreamId stream = new StreamId("shop", "walstream.changes", 0);
    writer.commit(writer.loadHead(stream), Batch.of(records.subList(0, 2), 0, 1, 1, null));
    writer.commit(writer.loadHead(stream), Batch.of(records.subList(2, 4), 2, 3, 3, null));
  }

  private long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(URL);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void shouldRestoreNaturalTypesAndSwapTheSchemaInOnSuccess() throws Exception {
    archive();

    new Restorer(store)
        .restore("shop", new RestoreTarget.Latest(), PostgresSink.open(URL, schema, false));

    try (Connection c = DriverManager.getConnection(URL);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM \"" + schema + "\".orders ORDER BY id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong("id")).isEqualTo(1);
      assertThat(rs.getBoolean("paid")).isFalse();
      assertThat(rs.getBigDecimal("total")).isEqualByComparingTo("13.50");
      assertThat(rs.getDouble("ratio")).isEqualTo(0.5);
      assertThat(rs.getString("note")).isEqualTo("naïve \"quoted\" ✓");
      assertThat(rs.getBytes("blob")).containsExactly(1, 2, 1);
      assertThat(rs.getObject("day", LocalDate.class)).isEqualTo(LocalDate.of(2026, 11, 1));
      assertThat(rs.getObject("at", OffsetDateTime.class).toInstant()).isEqualTo(T0);
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong("id")).isEqualTo(3);
      assertThat(rs.next()).isFalse();
    }
    String position =
        "\"" + schema + "\"._walstream_restore WHERE topic = 'walstream.changes' AND partition = 0";
    assertThat(count("SELECT lsn FROM " + position)).isEqualTo(4);
    assertThat(count("SELECT seq FROM " + position)).isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE '\\_walstream\\_staging\\_%'"))
        .isZero();
  }

  @Test
  void shouldLeaveTheTargetUntouchedAndDropStagingWhenASegmentIsCorrupt() throws Exception {
    archive();
    new Restorer(store)
        .restore("shop", new RestoreTarget.AtLsn(1), PostgresSink.open(URL, schema, false));
    Manifest.Segment second =
        (Manifest.Segment)
            new ArchiveReader(store)
                .readManifest(new StreamId("shop", "walstream.changes", 0), 1)
                .orElseThrow()
                .manifest();
    byte[] bytes = store.readAll(second.segment().key()).orElseThrow();
    bytes[bytes.length / 2] ^= 1;
    store.corrupt(second.segment().key(), bytes);

    assertThatThrownBy(
            () ->
                new Restorer(store)
                    .restore(
                        "shop", new RestoreTarget.Latest(), PostgresSink.open(URL, schema, true)))
        .isInstanceOf(IntegrityException.class);

    assertThat(count("SELECT count(*) FROM \"" + schema + "\".orders")).isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE '\\_walstream\\_staging\\_%'"))
        .isZero();
  }

  @Test
  void shouldFailCleanlyWhenPostgresCannotHoldAValueTheArchiveKeeps() throws Exception {
    archive();
    new Restorer(store)
        .restore("shop", new RestoreTarget.AtLsn(1), PostgresSink.open(URL, schema, false));
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("id", 9L);
    after.put("note", "nul \u0000 inside");
    ArchiveWriter writer = new ArchiveWriter(store, "pg-test");
    StreamId stream = new StreamId("shop", "walstream.changes", 0);
    writer.commit(
        writer.loadHead(stream),
        Batch.of(List.of(record(Op.INSERT, 9, after, 5, true)), 4, 4, 4, null));

    assertThatThrownBy(
            () ->
                new Restorer(store)
                    .restore(
                        "shop", new RestoreTarget.Latest(), PostgresSink.open(URL, schema, true)))
        .isInstanceOf(WalstreamException.class)
        .hasMessageContaining("0x00");

    assertThat(count("SELECT count(*) FROM \"" + schema + "\".orders")).isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE '\\_walstream\\_staging\\_%'"))
        .isZero();
  }

  @Test
  void shouldRefuseAnExistingSchemaUnlessForced() throws Exception {
    archive();
    new Restorer(store)
        .restore("shop", new RestoreTarget.AtLsn(1), PostgresSink.open(URL, schema, false));

    assertThatThrownBy(() -> PostgresSink.open(URL, schema, false))
        .hasMessageContaining("it exists (use --force");
    new Restorer(store)
        .restore("shop", new RestoreTarget.Latest(), PostgresSink.open(URL, schema, true));
    assertThat(count("SELECT count(*) FROM \"" + schema + "\".orders")).isEqualTo(2);
  }
}
