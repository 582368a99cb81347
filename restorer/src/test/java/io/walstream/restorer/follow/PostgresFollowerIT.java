package io.walstream.restorer.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.testing.GrowingArchive;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.testing.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A follower keeps a schema of the real PostgreSQL server current in place: readers see only
 * transaction boundaries, a restart goes on from the position the schema holds, a rollback is
 * refused or reseeded by an atomic swap, and a schema walstream did not write is never replaced.
 */
class PostgresFollowerIT {
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final String schema = "follow_" + UUID.randomUUID().toString().substring(0, 8);
  private GrowingArchive growing;

  @BeforeAll
  static void requirePostgres() {
    Postgres.require();
  }

  @BeforeEach
  void archive() {
    growing = new GrowingArchive(store, 100).segments(3);
  }

  @AfterEach
  void dropSchema() throws Exception {
    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }
  }

  private Follower follower(Follower.Reseed reseed) {
    return new Follower(
        store,
        "shop",
        new FollowTarget.PostgresSchema(Postgres.URL, schema),
        GapPolicy.REFUSE,
        reseed);
  }

  @Test
  void shouldRestoreThenFollowInPlaceAndGoOnFromItsPositionAfterARestart() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      assertThat(f.start()).isEqualTo(Follower.Start.RESTORED);
      assertThat(keys()).isEqualTo(growing.model());
      growing.segments(2);
      assertThat(f.round().transactions()).isEqualTo(6);
      assertThat(keys()).isEqualTo(growing.model());
    }
    growing.segments(1);
    try (Follower again = follower(Follower.Reseed.REFUSE)) {
      assertThat(again.start()).isEqualTo(Follower.Start.CONTINUED);
      assertThat(again.round().transactions()).as("only the new ones").isEqualTo(3);
      assertThat(again.position().lsn()).isEqualTo(growing.lastLsn());
    }
    assertThat(keys()).isEqualTo(growing.model());
    assertThat(position()).isEqualTo(growing.lastLsn());
  }

  @Test
  void shouldShowReadersOnlyTransactionBoundariesWhileItFollows() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
      AtomicBoolean done = new AtomicBoolean();
      ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
      AtomicInteger reads = new AtomicInteger();
      Thread reader =
          new Thread(
              () -> {
                while (!done.get()) {
                  try {
                    Map<String, TreeSet<Long>> state = keys();
                    long lsn = state.get("orders").last() / 100;
                    if (!state.equals(growing.model(lsn))) {
                      wrong.add("no transaction boundary: " + state);
                    }
                    reads.incrementAndGet();
                  } catch (Exception e) {
                    wrong.add("a read failed: " + e);
                  }
                }
              });
      reader.start();
      for (int i = 0; i < 10; i++) {
        growing.segments(1);
        f.round();
      }
      done.set(true);
      reader.join();

      assertThat(wrong).isEmpty();
      assertThat(reads.get()).isPositive();
    }
    assertThat(keys()).isEqualTo(growing.model());
  }

  @Test
  void shouldRefuseARollbackUnlessReseedingAndThenSwapAFreshCopyIn() throws Exception {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
    }
    store.delete(ArchiveLayout.manifestKey(GrowingArchive.SHOP, 2));

    assertThatThrownBy(() -> follower(Follower.Reseed.REFUSE).start())
        .isInstanceOf(ResumeCheck.Refused.class)
        .hasMessageContaining("but the archive's head is seq 1")
        .hasMessageContaining("schema " + schema);
    assertThat(keys()).as("left as it was").isEqualTo(growing.model());
    try (Follower f = follower(Follower.Reseed.ALLOW)) {
      assertThat(f.start()).isEqualTo(Follower.Start.RESEEDED);
    }
    assertThat(keys()).isEqualTo(growing.model(105));
    assertThat(position()).isEqualTo(105);
  }

  @Test
  void shouldNeverReplaceASchemaNoRestoreWrote() throws Exception {
    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA \"" + schema + "\"");
      s.execute("CREATE TABLE \"" + schema + "\".precious (id BIGINT PRIMARY KEY)");
      s.execute("INSERT INTO \"" + schema + "\".precious VALUES (42)");
    }

    assertThatThrownBy(() -> follower(Follower.Reseed.ALLOW).start())
        .isInstanceOf(WalstreamException.class)
        .hasMessageContaining("no walstream restore wrote it");
    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM \"" + schema + "\".precious")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(42);
    }
  }

  @Test
  void shouldRefuseASecondWriterWhileItFollows() {
    try (Follower f = follower(Follower.Reseed.REFUSE)) {
      f.start();
      assertThatThrownBy(() -> follower(Follower.Reseed.REFUSE).start())
          .isInstanceOf(WalstreamException.class)
          .hasMessageContaining("another restore is writing it");
    }
  }

  /** Every table's ids, read in one transaction as any reader would. */
  private Map<String, TreeSet<Long>> keys() throws Exception {
    Map<String, TreeSet<Long>> tables = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(Postgres.URL)) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      for (String table : List.of("orders", "customers")) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT id FROM \"" + schema + "\"." + table)) {
          while (rs.next()) {
            tables.computeIfAbsent(table, t -> new TreeSet<>()).add(rs.getLong(1));
          }
        }
      }
      c.rollback();
    }
    return tables;
  }

  private long position() throws Exception {
    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT lsn FROM \"" + schema + "\"._walstream_follow")) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(1);
    }
  }
}
