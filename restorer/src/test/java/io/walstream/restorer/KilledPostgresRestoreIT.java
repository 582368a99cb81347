package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.PostgresSink;
import io.walstream.restorer.testing.KilledRestores;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.testing.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL restore killed with SIGKILL midway: the target schema is never touched, a rerun to
 * the same target resumes after the batches the killed one committed and equals a fresh restore, a
 * rerun to another target starts over, and no staging schema is left behind either way. Against the
 * real server on 127.0.0.1:5432.
 */
class KilledPostgresRestoreIT {
  @TempDir Path dir;
  private final String schema = "killed_" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> dropAfter = new ArrayList<>();
  private List<String> stagingBefore;

  @BeforeAll
  static void requirePostgres() {
    Postgres.require();
  }

  @BeforeEach
  void rememberStagingSchemas() throws SQLException {
    stagingBefore = stagingSchemas();
    dropAfter.add(schema);
  }

  @AfterEach
  void dropSchemas() throws SQLException {
    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement()) {
      for (String name : dropAfter) {
        s.execute("DROP SCHEMA IF EXISTS \"" + name + "\" CASCADE");
      }
    }
  }

  /** 80 000 records: 40 000 transactions of an order and a customer, lsn 1000 to 40999. */
  private Path bigArchive() {
    return KilledRestores.shopArchive(dir.resolve("archive"), 40, 1000);
  }

  private void killAfter(Path archive, int transactions) throws Exception {
    KilledRestores.killAfter(
        archive, transactions, dir.resolve("restore.log"), List.of(Postgres.URL, schema));
    assertThat(schemaExists(schema)).as("target schema after the kill").isFalse();
    assertThat(stagingSchemas())
        .as("staging schemas after the kill")
        .hasSize(stagingBefore.size() + 1);
  }

  @Test
  void shouldResumeFromTheCommittedPositionAndEqualAFreshRestoreWhenRerunToTheSameTarget()
      throws Exception {
    Path archive = bigArchive();
    // Batches commit every 50 000 records: 25 000 transactions are in when it dies at 30 000.
    killAfter(archive, 30_000);

    Restorer.Result resumed =
        new Restorer(new FileSystemObjectStore(archive))
            .restore(
                "shop", new RestoreTarget.Latest(), PostgresSink.open(Postgres.URL, schema, false));
    String fresh = schema + "_fresh";
    dropAfter.add(fresh);
    Restorer.Result whole =
        new Restorer(new FileSystemObjectStore(archive))
            .restore(
                "shop", new RestoreTarget.Latest(), PostgresSink.open(Postgres.URL, fresh, false));

    assertThat(resumed.outcome().resumedAfterLsn()).isEqualTo(1000L + 25_000 - 1);
    assertThat(resumed.outcome().transactions()).isEqualTo(15_000);
    assertThat(resumed.outcome().lastLsn()).isEqualTo(40_999L);
    assertThat(whole.outcome().resumedAfterLsn()).isNull();
    assertThat(resumed.rowsPerTable()).isEqualTo(whole.rowsPerTable());
    for (String table : List.of("orders", "customers")) {
      assertThat(differences(schema, fresh, table)).as(table + " resumed minus fresh").isZero();
      assertThat(differences(fresh, schema, table)).as(table + " fresh minus resumed").isZero();
      // Independent of any restore: ids lsn*100 (orders) and lsn*100+1 (customers), note "row id".
      long offset = table.equals("orders") ? 0 : 1;
      assertThat(
              count(
                  schema,
                  table,
                  "id = (id / 100) * 100 + "
                      + offset
                      + " AND note = 'row ' || id"
                      + " AND id / 100 BETWEEN 1000 AND 40999"))
          .isEqualTo(40_000L);
    }
    assertThat(restorePositionLsn(schema)).isEqualTo(40_999L);
    assertThat(tables(schema))
        .containsExactlyInAnyOrder("orders", "customers", "_walstream_restore");
    assertThat(stagingSchemas()).isEqualTo(stagingBefore);
  }

  @Test
  void shouldStartOverAndDropTheLeftoverWhenRerunToAnotherTarget() throws Exception {
    Path archive = bigArchive();
    killAfter(archive, 30_000);

    Restorer.Result result =
        new Restorer(new FileSystemObjectStore(archive))
            .restore(
                "shop",
                new RestoreTarget.AtLsn(10_000),
                PostgresSink.open(Postgres.URL, schema, false));

    assertThat(result.outcome().resumedAfterLsn()).isNull();
    assertThat(result.outcome().transactions()).isEqualTo(9_001);
    assertThat(result.rowsPerTable())
        .containsEntry("orders", 9_001L)
        .containsEntry("customers", 9_001L);
    assertThat(count(schema, "orders", "id / 100 > 10000")).isZero();
    assertThat(stagingSchemas()).isEqualTo(stagingBefore);
  }

  @Test
  void shouldRefuseASecondRestoreWhenOneIsWritingTheSameSchema() throws Exception {
    PostgresSink first = PostgresSink.open(Postgres.URL, schema, false);
    try {
      assertThatThrownBy(() -> PostgresSink.open(Postgres.URL, schema, true))
          .isInstanceOf(WalstreamException.class)
          .hasMessageContaining("schema " + schema)
          .hasMessageContaining("another restore is writing it");
    } finally {
      first.abort();
    }
    assertThat(stagingSchemas()).isEqualTo(stagingBefore);
    // Once the first is gone, the lock is free again.
    PostgresSink.open(Postgres.URL, schema, false).abort();
  }

  private static long differences(String from, String minus, String table) throws SQLException {
    return query(
        "SELECT count(*) FROM (SELECT id, note FROM \""
            + from
            + "\".\""
            + table
            + "\" EXCEPT SELECT id, note FROM \""
            + minus
            + "\".\""
            + table
            + "\") d");
  }

  private static long count(String schema, String table, String where) throws SQLException {
    return query("SELECT count(*) FROM \"" + schema + "\".\"" + table + "\" WHERE " + where);
  }

  private static long restorePositionLsn(String schema) throws SQLException {
    return query("SELECT max(lsn) FROM \"" + schema + "\".\"_walstream_restore\"");
  }

  private static long query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean schemaExists(String name) throws SQLException {
    return strings(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name = '"
                    + name
                    + "'")
            .size()
        == 1;
  }

  private static List<String> tables(String schema) throws SQLException {
    return strings(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'");
  }

  private static List<String> stagingSchemas() throws SQLException {
    return strings(
        "SELECT schema_name FROM information_schema.schemata"
            + " WHERE schema_name LIKE '\\_walstream\\_staging\\_%' ORDER BY schema_name");
  }

  private static List<String> strings(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }
}
