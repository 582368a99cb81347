package io.walstream.restorer.follow;

import io.walstream.archive.format.Position;
import io.walstream.archive.format.Snapshot;
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

  private FollowTables() {}

  /** Whether table {@code table} exists in {@code schema} (null: SQLite's only one). */
  static boolean exists(Connection c, String schema, String table) throws SQLException {
    try (ResultSet rs = c.getMetaData().getTables(null, schema, table, null)) {
      return rs.next();
    }
  }

  /** Creates the tables when missing; {@code name} qualifies and quotes a table name. */
  static void create(Connection c, UnaryOperator<String> name) throws SQLException {
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
  static Optional<FollowPosition> read(Connection c, UnaryOperator<String> name)
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
  static void write(Connection c, UnaryOperator<String> name, FollowPosition position)
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
