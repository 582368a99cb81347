package io.walstream.restorer.follow;

import io.walstream.restorer.sink.PostgresTarget;
import io.walstream.schemas.error.WalstreamException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A follower's PostgreSQL target: a restored schema written in place, in ordinary transactions, so
 * that readers query it while it follows and see only what a checkpoint committed (rows together
 * with the position they reach, {@link FollowTables}). The follower holds the schema's advisory
 * lock, the one a restore takes, for as long as it follows: no restore or second follower writes it
 * meanwhile.
 */
final class PostgresFollowSink extends PostgresTarget implements FollowSink {
  private final String schema;
  private final String where;

  private final FollowTables tables;

  private PostgresFollowSink(Connection connection, String schema, String where)
      throws SQLException {
    super(connection);
    this.schema = schema;
    this.where = where;
    this.tables = new FollowTables(connection, t -> qualified(schema, t), schema, where);
  }

  /**
   * Opens schema {@code schema} at {@code jdbcUrl}, which a restore wrote, for following.
   *
   * @throws WalstreamException when it does not exist, or another restore or follower writes it
   */
  static PostgresFollowSink open(String jdbcUrl, String schema) {
    String where = where(jdbcUrl, schema);
    requirePostgres(jdbcUrl, where);
    Connection c = null;
    try {
      c = DriverManager.getConnection(jdbcUrl);
      c.setAutoCommit(false);
      lock(c, schema, where);
      if (!schemaExists(c, schema)) {
        throw new WalstreamException("Cannot follow into " + where + ": it does not exist");
      }
      PostgresFollowSink sink = new PostgresFollowSink(c, schema, where);
      sink.adoptTables(schema);
      c.commit();
      return sink;
    } catch (SQLException e) {
      close(c, where);
      throw new WalstreamException("Cannot follow into " + where + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close(c, where);
      throw e;
    }
  }

  @Override
  protected String tableName(String table) {
    return qualified(schema, table);
  }

  @Override
  protected String describe() {
    return where;
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

  /** Discards what was applied since the last checkpoint and ends the session (and its lock). */
  @Override
  protected void discard() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      org.slf4j.LoggerFactory.getLogger(PostgresFollowSink.class)
          .warn("Cannot roll back {}: {}", where, e.toString());
    } finally {
      close(connection, where);
    }
  }
}
