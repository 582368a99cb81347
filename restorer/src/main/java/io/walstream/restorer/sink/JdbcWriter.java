package io.walstream.restorer.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Executes a {@link JdbcSink}'s statements on a thread of its own, in the order they were added, so
 * that the sink's caller (a restore's merge) turns the next records into statement parameters while
 * the database works on the earlier ones: on a restore into SQLite, the database's own work is most
 * of the time, and the two overlap instead of adding up.
 *
 * <p>Statements are handed over in slices of {@link #SLICE} and at most {@link #SLICES_AHEAD}
 * slices wait, so memory stays bounded whatever the database's speed. Rows of one table are batched
 * while the same statement repeats, so that rows change in exactly the archive's order; tables are
 * independent, so their batches may interleave. The first failure stops the thread: later
 * statements are skipped, and the failure is thrown to the caller on its next {@link #add} or
 * {@link #flush}, before anything after it can be committed. Only {@link #flush} gives the
 * connection back to the caller: every other use of the connection must follow one.
 */
final class JdbcWriter {
  /** Statements per hand-over: large enough to amortize it, small enough to start at once. */
  static final int SLICE = 1_000;

  /**
   * Slices waiting at most: enough to carry the writing thread over the applier's short stalls (a
   * collection, a segment's first chunk). More buy little and cost heap: on a 1 M-record SQLite
   * restore, 16 instead of 4 left the writing thread idle 0.15 s instead of 0.26 s, but rows that
   * wait longer outlive young collections (max heap after GC under -Xmx256m 163 MiB against 131).
   */
  static final int SLICES_AHEAD = 4;

  /** Binds one parameter as the sink's database wants it; runs on the writing thread. */
  interface Binder {
    void bind(PreparedStatement statement, int index, Object value) throws SQLException;
  }

  /** One statement for the writing thread. */
  sealed interface Op permits Row, Execute, Retire, Commit {}

  /** A row statement: {@code params} bound to {@code statement} and added to its table's batch. */
  record Row(Prepared statement, Object[] params) implements Op {}

  /** A statement run as it is, once every pending batch has been executed (DDL, TRUNCATE). */
  record Execute(String sql) implements Op {}

  /** Closes a statement no longer used (replaced after a column was added). */
  record Retire(Prepared statement) implements Op {}

  /** Executes every pending batch and commits the database transaction. */
  record Commit() implements Op {}

  /** The batch state of one table: the statement whose batch holds rows not yet executed. */
  static final class Batches {
    private Prepared pending;
  }

  /** A statement's SQL, prepared by the writing thread on first use, for one table's batches. */
  static final class Prepared {
    private final String sql;
    private final Batches table;
    private PreparedStatement statement;

    Prepared(String sql, Batches table) {
      this.sql = sql;
      this.table = table;
    }
  }

  private final Connection connection;
  private final Binder binder;
  private final Semaphore free = new Semaphore(SLICES_AHEAD);
  private final Set<Batches> pending = new LinkedHashSet<>();
  private List<Op> slice = new ArrayList<>(SLICE);
  private ExecutorService thread;
  // The first failure of the writing thread; once set, nothing more is executed.
  private volatile SQLException failure;

  JdbcWriter(Connection connection, Binder binder) {
    this.connection = connection;
    this.binder = binder;
  }

  /** Adds a statement; throws the writing thread's failure, if any. */
  void add(Op op) throws SQLException {
    // One volatile read: a failed writer is noticed at once, not only at the next hand-over.
    throwFailure();
    slice.add(op);
    if (slice.size() >= SLICE) {
      handOver();
    }
  }

  /**
   * Waits until every statement added has been executed, then executes every pending batch on the
   * caller's thread: afterwards the caller may use the connection (positions, commit, queries).
   */
  void flush() throws SQLException {
    handOver();
    free.acquireUninterruptibly(SLICES_AHEAD);
    free.release(SLICES_AHEAD);
    throwFailure();
    executePending();
  }

  /**
   * Stops the writing thread once the statement it executes, if any, is done, skipping the rest;
   * for an abort, after which the connection is rolled back or closed.
   */
  void stop() {
    slice = new ArrayList<>(SLICE);
    if (failure == null) {
      failure = new SQLException("stopped");
    }
    free.acquireUninterruptibly(SLICES_AHEAD);
    free.release(SLICES_AHEAD);
    close();
  }

  /** Ends the writing thread; statements added afterwards start another. */
  void close() {
    if (thread != null) {
      thread.shutdown();
      thread = null;
    }
  }

  private void handOver() throws SQLException {
    throwFailure();
    if (slice.isEmpty()) {
      return;
    }
    List<Op> handed = slice;
    slice = new ArrayList<>(SLICE);
    free.acquireUninterruptibly();
    if (thread == null) {
      thread =
          Executors.newSingleThreadExecutor(
              runnable -> {
                Thread t = new Thread(runnable, "walstream-restore-write");
                t.setDaemon(true);
                return t;
              });
    }
    thread.execute(() -> run(handed));
  }

  private void run(List<Op> ops) {
    try {
      for (Op op : ops) {
        // Checked per statement: after a stop, not even the rest of this slice (a commit, say)
        // runs.
        if (failure != null) {
          return;
        }
        execute(op);
      }
    } catch (SQLException e) {
      failure = e;
    } catch (RuntimeException | Error e) {
      // A driver's unchecked failure, a value it cannot bind, even an Error: recorded, so that the
      // caller fails with it as the cause instead of committing without the statements skipped.
      failure = new SQLException(e.toString(), e);
    } finally {
      free.release();
    }
  }

  private void throwFailure() throws SQLException {
    SQLException f = failure;
    if (f != null) {
      // Thrown again on the caller's thread, so that the stack shows where it surfaced too.
      throw new SQLException(f.getMessage(), f.getSQLState(), f.getErrorCode(), f);
    }
  }

  private void execute(Op op) throws SQLException {
    if (op instanceof Row row) {
      Prepared p = row.statement();
      if (p.statement == null) {
        p.statement = connection.prepareStatement(p.sql);
      }
      if (p.table.pending != p) {
        executePending(p.table);
        p.table.pending = p;
        pending.add(p.table);
      }
      Object[] params = row.params();
      for (int i = 0; i < params.length; i++) {
        binder.bind(p.statement, i + 1, params[i]);
      }
      p.statement.addBatch();
    } else if (op instanceof Execute execute) {
      executePending();
      try (Statement s = connection.createStatement()) {
        s.execute(execute.sql());
      }
    } else if (op instanceof Commit) {
      executePending();
      connection.commit();
    } else if (op instanceof Retire retire) {
      Prepared p = retire.statement();
      if (p.statement != null) {
        executePending(p.table);
        p.statement.close();
        p.statement = null;
      }
    }
  }

  private void executePending() throws SQLException {
    for (Batches table : pending) {
      executePending(table);
    }
    pending.clear();
  }

  private static void executePending(Batches table) throws SQLException {
    if (table.pending != null) {
      table.pending.statement.executeBatch();
      table.pending = null;
    }
  }
}
