package io.walstream.restorer.follow;

import io.walstream.archive.format.Position;
import io.walstream.archive.format.Snapshot;
import io.walstream.restorer.sink.SqliteTarget;
import io.walstream.schemas.error.WalstreamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A follower's target: a restored SQLite file, written in place in WAL mode so that readers query
 * it while it follows. Rows are committed only together with the follow position they reach (in
 * {@code _walstream_follow} and {@code _walstream_follow_streams}), so a reader always sees a
 * transaction boundary of the source, and a restart (also after {@code kill -9}) goes on from
 * exactly what is in the file.
 */
public final class FollowSink extends SqliteTarget {
  private FollowSink(Path output, Connection connection) {
    super(output, connection);
  }

  /**
   * Opens {@code output}, a file a restore wrote, for following.
   *
   * @throws WalstreamException when it is missing or not a SQLite database
   */
  public static FollowSink open(Path output) {
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
        s.execute(
            "CREATE TABLE IF NOT EXISTS _walstream_follow (\"database\" TEXT NOT NULL,"
                + " \"lsn\" BIGINT NOT NULL, \"commit_micros\" BIGINT NOT NULL)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS _walstream_follow_streams (\"topic\" TEXT NOT NULL,"
                + " \"partition\" BIGINT NOT NULL, \"seq\" BIGINT NOT NULL,"
                + " \"manifest_sha256\" TEXT NOT NULL, \"last_lsn\" BIGINT NOT NULL,"
                + " \"last_tx_index\" BIGINT NOT NULL, PRIMARY KEY (\"topic\", \"partition\"))");
      }
      c.setAutoCommit(false);
      FollowSink sink = new FollowSink(file, c);
      sink.adoptTables();
      c.commit();
      return sink;
    } catch (SQLException e) {
      throw new WalstreamException("Cannot follow into " + file + ": " + e.getMessage(), e);
    }
  }

  /** The position the file holds, or empty when no follower has committed one. */
  public Optional<FollowPosition> position() {
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"database\", \"lsn\", \"commit_micros\" FROM _walstream_follow")) {
      if (!rs.next()) {
        return Optional.empty();
      }
      String database = rs.getString(1);
      long lsn = rs.getLong(2);
      long commit = rs.getLong(3);
      List<Snapshot.StreamPosition> streams = new ArrayList<>();
      try (ResultSet r =
          s.getConnection()
              .createStatement()
              .executeQuery(
                  "SELECT \"topic\", \"partition\", \"seq\", \"manifest_sha256\", \"last_lsn\","
                      + " \"last_tx_index\" FROM _walstream_follow_streams ORDER BY 1, 2")) {
        while (r.next()) {
          streams.add(
              new Snapshot.StreamPosition(
                  r.getString(1),
                  (int) r.getLong(2),
                  r.getLong(3),
                  r.getString(4),
                  new Position(r.getLong(5), (int) r.getLong(6))));
        }
      }
      return Optional.of(new FollowPosition(database, lsn, commit, streams));
    } catch (SQLException e) {
      throw new WalstreamException(
          "Cannot read the follow position of " + describe() + ": " + e.getMessage(), e);
    }
  }

  /** Commits the rows applied since the last checkpoint together with {@code position}. */
  public void checkpoint(FollowPosition position) {
    try {
      writePending();
      try (Statement s = connection.createStatement()) {
        s.execute("DELETE FROM _walstream_follow");
        s.execute("DELETE FROM _walstream_follow_streams");
      }
      try (PreparedStatement p =
          connection.prepareStatement("INSERT INTO _walstream_follow VALUES (?, ?, ?)")) {
        p.setString(1, position.database());
        p.setLong(2, position.lsn());
        p.setLong(3, position.commitMicros());
        p.executeUpdate();
      }
      try (PreparedStatement p =
          connection.prepareStatement(
              "INSERT INTO _walstream_follow_streams VALUES (?, ?, ?, ?, ?, ?)")) {
        for (Snapshot.StreamPosition s : position.streams()) {
          p.setString(1, s.topic());
          p.setLong(2, s.partition());
          p.setLong(3, s.seq());
          p.setString(4, s.manifestSha256());
          p.setLong(5, s.last().lsn());
          p.setLong(6, s.last().txIndex());
          p.addBatch();
        }
        p.executeBatch();
      }
      connection.commit();
    } catch (SQLException e) {
      throw new WalstreamException(
          "Cannot commit the follow position in " + describe() + ": " + e.getMessage(), e);
    }
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
  public void abort() {
    try {
      connection.rollback();
      connection.close();
    } catch (SQLException e) {
      org.slf4j.LoggerFactory.getLogger(FollowSink.class)
          .warn("Cannot close {}: {}", describe(), e.toString());
    }
  }
}
