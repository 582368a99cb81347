package io.walstream.restorer.follow;

import io.walstream.restorer.sink.SqliteTarget;
import io.walstream.schemas.error.WalstreamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * A follower's SQLite target: a restored file written in place in WAL mode, so that readers query
 * it while it follows; rows committed only with the position they reach ({@link FollowTables}).
 */
final class SqliteFollowSink extends SqliteTarget implements FollowSink {
  private final FollowTables tables;

  private SqliteFollowSink(Path output, Connection connection) throws SQLException {
    super(output, connection);
    this.tables = new FollowTables(connection, this::tableName, null, output.toString());
  }

  /**
   * Opens {@code output}, a file a restore wrote, for following.
   *
   * @throws WalstreamException when it is missing or not a SQLite database
   */
  static SqliteFollowSink open(Path output) {
    Path file = output.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new WalstreamException("Cannot follow into " + file + ": it does not exist");
    }
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement s = c.createStatement()) {
        // Readers see committed transactions while the follower writes; a commit survives a
        // kill (the write-ahead log is synced at checkpoints, NORMAL is safe in WAL mode).
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL");
        s.execute("PRAGMA busy_timeout = 10000");
        // As a restore's: the upserts of a large table stay in memory.
        s.execute("PRAGMA cache_size = -65536");
      }
      c.setAutoCommit(false);
      SqliteFollowSink sink = new SqliteFollowSink(file, c);
      sink.adoptTables();
      c.commit();
      return sink;
    } catch (SQLException e) {
      throw new WalstreamException("Cannot follow into " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<FollowPosition> position() {
    return tables.position();
  }

  @Override
  public boolean restored() {
    return tables.restored();
  }

  @Override
  public void checkpoint(FollowPosition position) {
    tables.checkpoint(position, this::writePending);
  }

  @Override
  protected boolean commitsInBatches() {
    return false;
  }

  @Override
  protected void switchIntoPlace() {
    // In place already: what is committed is the target.
  }

  /** Discards what was applied since the last checkpoint and closes the file. */
  @Override
  protected void discard() {
    try {
      connection.rollback();
      connection.close();
    } catch (SQLException e) {
      org.slf4j.LoggerFactory.getLogger(SqliteFollowSink.class)
          .warn("Cannot close {}: {}", describe(), e.toString());
    }
  }
}
