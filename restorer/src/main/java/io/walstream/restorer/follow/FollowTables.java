package io.walstream.restorer.follow;

import io.walstream.archive.format.Position;
import io.walstream.archive.format.Snapshot;
import io.walstream.schemas.error.WalstreamException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The follow position's two tables, the same SQL in SQLite and PostgreSQL: {@code
 * _walstream_follow} (database, lsn and commit time of the last transaction in) and {@code
 * _walstream_follow_streams} (per stream: the seq of the last manifest applied wholly, its SHA-256
 * and its last position). They are written in the transaction that commits the rows they cover.
 */
final class FollowTables {
  static final String POSITION = "_walstream_follow";
  static final String STREAMS = "_walstream_follow_streams";

  /** Database work that may fail, run before the position is written. */
  interface SqlAction {
    void run() throws SQLException;
  }

  private final Connection connection;
  private final UnaryOperator<String> name;
  private final String schema;
  private final String where;

  /**
   * The tables of the target {@code connection} is on, created when missing.
   *
   * @param name qualifies and quotes a table name
   * @param schema the target's schema, null for SQLite's only one
   * @param where the target in messages
   */
  FollowTables(Connection connection, UnaryOperator<String> name, String schema, String where)
      throws SQLException {
    this.connection = connection;
    this.name = name;
    this.schema = schema;
    this.where = where;
    create(connection, name);
  }

  /** The position the target holds (the read's transaction ended), or empty when none. */
  Optional<FollowPosition> position() {
    try {
      Optional<FollowPosition> position = read(connection, name);
      // Ends the read's transaction: no snapshot is held open between rounds.
      connection.commit();
      return position;
    } catch (SQLException e) {
      throw new WalstreamException(
          "Cannot read the follow position of " + where + ": " + e.getMessage(), e);
    }
  }

  /** Whether a walstream restore wrote the target (it has the {@code _walstream_restore} table). */
  boolean restored() {
    try {
      return exists(connection, schema, "_walstream_restore");
    } catch (SQLException e) {
      throw new WalstreamException("Cannot read " + where + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code pending} (the rows applied), writes {@code position} and commits both at once. */
  void checkpoint(FollowPosition position, SqlAction pending) {
    try {
      pending.run();
      write(connection, name, position);
      connection.commit();
    } catch (SQLException e) {
      throw new WalstreamException(
          "Cannot commit the follow position in " + where + ": " + e.getMessage(), e);
    }
  }

  /** Whether table {@code table} exists in {@code schema} (null: SQLite's only one). */
  private static boolean exists(Connection c, String schema, String table) throws SQLException {
    try (ResultSet rs = c.getMetaData().getTables(null, schema, table, null)) {
      return rs.next();
    }
  }

  /** Creates the tables when missing; {@code name} qualifies and quotes a table name. */
  private static void create(Connection c, UnaryOperator<String> name) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + name.apply(POSITION)
              + " (\"database\" TEXT NOT NULL, \"lsn\" BIGINT NOT NULL,"
              + " \"commit_micros\" BIGINT NOT NULL)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + name.apply(STREAMS)
              + " (\"topic\" TEXT NOT NULL, \"partition\" BIGINT NOT NULL, \"seq\" BIGINT NOT NULL,"
              + " \"manifest_sha256\" TEXT NOT NULL, \"last_lsn\" BIGINT NOT NULL,"
              + " \"last_tx_index\" BIGINT NOT NULL, PRIMARY KEY (\"topic\", \"partition\"))");
    }
  }

  /** The position the tables hold, or empty when no follower has committed one. */
  private static Optional<FollowPosition> read(Connection c, UnaryOperator<String> name)
      throws SQLException {
    String database;
    long lsn;
    long commit;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"database\", \"lsn\", \"commit_micros\" FROM " + name.apply(POSITION))) {
      if (!rs.next()) {
        return Optional.empty();
      }
      database = rs.getString(1);
      lsn = rs.getLong(2);
      commit = rs.getLong(3);
    }
    List<Snapshot.StreamPosition> streams = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT \"topic\", \"partition\", \"seq\", \"manifest_sha256\", \"last_lsn\","
                    + " \"last_tx_index\" FROM "
                    + name.apply(STREAMS)
                    + " ORDER BY 1, 2")) {
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
  }

  /** Replaces the position, in the open transaction (the caller commits). */
  private static void write(Connection c, UnaryOperator<String> name, FollowPosition position)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DELETE FROM " + name.apply(POSITION));
      s.execute("DELETE FROM " + name.apply(STREAMS));
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO " + name.apply(POSITION) + " VALUES (?, ?, ?)")) {
      p.setString(1, position.database());
      p.setLong(2, position.lsn());
      p.setLong(3, position.commitMicros());
      p.executeUpdate();
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO " + name.apply(STREAMS) + " VALUES (?, ?, ?, ?, ?, ?)")) {
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
  }
}
