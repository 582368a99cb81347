package io.walstream.restorer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writing thread of a JDBC sink, on a real SQLite file: statements run in exactly the order
 * added, whatever the slicing and the batching per table; a failure is thrown to the caller and
 * nothing after it is committed; a stop leaves the connection to the caller with nothing queued
 * still running.
 */
class JdbcWriterTest {
  @TempDir Path dir;
  private Connection connection;
  private JdbcWriter writer;

  @BeforeEach
  void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
    connection.setAutoCommit(false);
    writer = new JdbcWriter(connection, (s, i, v) -> s.setObject(i, v));
  }

  @AfterEach
  void close() throws SQLException {
    writer.stop();
    connection.close();
  }

  @Test
  void shouldApplyEveryStatementInTheOrderAddedWhenTablesAndStatementsInterleave()
      throws Exception {
    writer.add(new JdbcWriter.Execute("CREATE TABLE a (id INTEGER PRIMARY KEY, v INTEGER)"));
    writer.add(new JdbcWriter.Execute("CREATE TABLE b (id INTEGER PRIMARY KEY, v INTEGER)"));
    JdbcWriter.Batches a = new JdbcWriter.Batches();
    JdbcWriter.Batches b = new JdbcWriter.Batches();
    String upsert = " (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v";
    JdbcWriter.Prepared upsertA = new JdbcWriter.Prepared("INSERT INTO a" + upsert, a);
    JdbcWriter.Prepared deleteA = new JdbcWriter.Prepared("DELETE FROM a WHERE id = ?", a);
    JdbcWriter.Prepared upsertB = new JdbcWriter.Prepared("INSERT INTO b" + upsert, b);
    Map<Long, Long> modelA = new TreeMap<>();
    Map<Long, Long> modelB = new TreeMap<>();
    Random random = new Random(3);
    // Many slices' worth, the same few keys upserted and deleted again and again, truncates
    // between.
    for (long n = 0; n < 20 * JdbcWriter.SLICE; n++) {
      long id = random.nextInt(10);
      int dice = random.nextInt(100);
      if (dice < 30) {
        writer.add(new JdbcWriter.Row(deleteA, new Object[] {id}));
        modelA.remove(id);
      } else if (dice < 60) {
        writer.add(new JdbcWriter.Row(upsertB, new Object[] {id, n}));
        modelB.put(id, n);
      } else if (dice < 61) {
        writer.add(new JdbcWriter.Execute("DELETE FROM a"));
        modelA.clear();
      } else if (dice < 62) {
        writer.add(new JdbcWriter.Commit());
      } else {
        writer.add(new JdbcWriter.Row(upsertA, new Object[] {id, n}));
        modelA.put(id, n);
      }
    }
    writer.flush();
    connection.commit();

    assertThat(rows("a")).isEqualTo(modelA);
    assertThat(rows("b")).isEqualTo(modelB);
  }

  @Test
  void shouldThrowTheFailureAndCommitNothingAfterItWhenAStatementFails() throws Exception {
    writer.add(new JdbcWriter.Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
    JdbcWriter.Prepared insert =
        new JdbcWriter.Prepared("INSERT INTO t VALUES (?, ?)", new JdbcWriter.Batches());
    writer.add(new JdbcWriter.Row(insert, new Object[] {1L, "committed"}));
    writer.add(new JdbcWriter.Commit());
    writer.add(new JdbcWriter.Row(insert, new Object[] {2L, null}));

    // Thrown by an add once the writing thread has met it, at the latest by the flush.
    assertThatThrownBy(
            () -> {
              for (long id = 3; id < 3 + 5 * JdbcWriter.SLICE; id++) {
                writer.add(new JdbcWriter.Row(insert, new Object[] {id, "after the failure"}));
                writer.add(new JdbcWriter.Commit());
              }
              writer.flush();
            })
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("NOT NULL constraint failed: t.v");
    assertThatThrownBy(() -> writer.add(new JdbcWriter.Commit()))
        .hasMessageContaining("NOT NULL constraint failed: t.v");
    connection.rollback();
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
        Statement s = other.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, v FROM t")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(1L);
      assertThat(rs.getString(2)).isEqualTo("committed");
      assertThat(rs.next()).as("nothing after the failure is committed").isFalse();
    }
  }

  @Test
  void shouldEndTheWritingThreadWithNothingQueuedRunningWhenStopped() throws Exception {
    // Writing threads of sinks other tests left open are not this writer's.
    Set<Thread> others = writingThreads();
    writer.add(new JdbcWriter.Execute("CREATE TABLE t (id INTEGER PRIMARY KEY)"));
    writer.add(new JdbcWriter.Commit());
    writer.flush();
    JdbcWriter.Prepared insert =
        new JdbcWriter.Prepared("INSERT INTO t VALUES (?)", new JdbcWriter.Batches());
    for (long id = 0; id < 3 * JdbcWriter.SLICE; id++) {
      writer.add(new JdbcWriter.Row(insert, new Object[] {id}));
    }

    writer.stop();

    // The connection is the caller's again: nothing of the writer's touches it any more.
    connection.rollback();
    await().atMost(Duration.ofSeconds(10)).until(() -> others.containsAll(writingThreads()));
    assertThat(rows("t")).isEmpty();
  }

  @Test
  void shouldFailTheFlushAndCommitNothingWhenBindingThrowsAnUncheckedExceptionOrAnError()
      throws Exception {
    for (Throwable thrown :
        List.of(new IllegalArgumentException("cannot bind"), new StackOverflowError("deep"))) {
      JdbcWriter failing =
          new JdbcWriter(
              connection,
              (s, i, v) -> {
                if ("poison".equals(v)) {
                  sneakyThrow(thrown);
                }
                s.setObject(i, v);
              });
      failing.add(new JdbcWriter.Execute("CREATE TABLE IF NOT EXISTS u (id INTEGER PRIMARY KEY)"));
      failing.add(new JdbcWriter.Commit());
      JdbcWriter.Prepared insert =
          new JdbcWriter.Prepared("INSERT INTO u VALUES (?)", new JdbcWriter.Batches());
      failing.add(new JdbcWriter.Row(insert, new Object[] {"poison"}));
      failing.add(new JdbcWriter.Row(insert, new Object[] {1L}));
      failing.add(new JdbcWriter.Commit());

      assertThatThrownBy(failing::flush)
          .as("thrown %s", thrown)
          .isInstanceOf(SQLException.class)
          .hasRootCauseInstanceOf(thrown.getClass());
      failing.stop();
      connection.rollback();
      assertThat(rows("u")).as("after %s", thrown).isEmpty();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }

  private static Set<Thread> writingThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("walstream-restore-write")) {
        threads.add(t);
      }
    }
    return threads;
  }

  private Map<Long, Long> rows(String table) throws SQLException {
    Map<Long, Long> rows = new TreeMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
      while (rs.next()) {
        rows.put(rs.getLong(1), rs.getMetaData().getColumnCount() > 1 ? rs.getLong(2) : null);
      }
    }
    return rows;
  }
}
