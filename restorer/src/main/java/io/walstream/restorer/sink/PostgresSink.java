package io.walstream.restorer.sink;

import io.walstream.schemas.error.WalstreamException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

/**
 * Restores into a PostgreSQL schema: everything is written into a staging schema, then, on {@link
 * #commit()}, the target schema is replaced by it in one transaction; on failure the staging schema
 * is dropped and the target is untouched. A restore holds a session advisory lock on its target
 * (two restores never write one schema); the staging schema has one name per target, so that when a
 * restore was killed, a rerun to the same target resumes after its committed batches and any other
 * rerun into that schema drops what it left. Natural types: BOOLEAN, BIGINT, DOUBLE PRECISION,
 * TEXT, BYTEA, NUMERIC, DATE, TIMESTAMPTZ.
 */
public final class PostgresSink extends PostgresTarget {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresSink.class);

  private final String target;
  private final String staging;
  private final String where;
  private final boolean replaceExisting;
  private final boolean leftover;
  private boolean done;

  private PostgresSink(
      Connection connection,
      String target,
      String where,
      boolean replaceExisting,
      boolean leftover) {
    super(connection);
    this.target = target;
    this.staging = PostgresResume.stagingSchema(target);
    this.where = where;
    this.replaceExisting = replaceExisting;
    this.leftover = leftover;
  }

  /**
   * Opens a sink writing schema {@code schema} of the database at {@code jdbcUrl}.
   *
   * @throws WalstreamException when the URL is not PostgreSQL's, the schema exists and {@code
   *     replaceExisting} is false, or another restore is writing the same schema
   */
  public static PostgresSink open(String jdbcUrl, String schema, boolean replaceExisting) {
    String where = where(jdbcUrl, schema);
    requirePostgres(jdbcUrl, where);
    Connection connection = null;
    try {
      connection = DriverManager.getConnection(jdbcUrl);
      connection.setAutoCommit(false);
      lock(connection, schema, where);
      if (PostgresResume.schemaExists(connection, schema) && !replaceExisting) {
        throw new WalstreamException(
            "Cannot restore into " + where + ": it exists (use --force to replace it)");
      }
      boolean leftover =
          PostgresResume.schemaExists(connection, PostgresResume.stagingSchema(schema));
      PostgresSink sink = new PostgresSink(connection, schema, where, replaceExisting, leftover);
      if (!leftover) {
        sink.createStaging();
      }
      connection.commit();
      return sink;
    } catch (SQLException e) {
      close(connection, where);
      throw new WalstreamException("Cannot restore into " + where + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close(connection, where);
      throw e;
    }
  }

  private void createStaging() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE SCHEMA " + SqlValues.quote(staging));
    }
    createPositionTable();
  }

  /**
   * Continues the staging schema a killed restore of the same database to the same target left
   * behind, when it has committed batches: their transactions (every one up to the LSN returned)
   * are not applied again. Anything else it holds is dropped and the restore starts over.
   */
  @Override
  public OptionalLong resume(String database, String restoreTarget) {
    try {
      OptionalLong after =
          leftover
              ? PostgresResume.lastApplied(connection, staging, database, restoreTarget)
              : OptionalLong.empty();
      if (after.isPresent()) {
        PostgresResume.tables(connection, staging).forEach(this::adopt);
        LOG.info(
            "Resuming the interrupted restore in schema {} after lsn {}",
            staging,
            after.getAsLong());
        return after;
      }
      if (leftover) {
        LOG.info(
            "Starting over: dropping schema {}, not a resumable restore of {} to {}",
            staging,
            database,
            restoreTarget);
        try (Statement s = connection.createStatement()) {
          s.execute("DROP SCHEMA " + SqlValues.quote(staging) + " CASCADE");
        }
        createStaging();
      }
      PostgresResume.describe(connection, staging, database, restoreTarget);
      connection.commit();
      return OptionalLong.empty();
    } catch (SQLException e) {
      throw new WalstreamException(
          "Cannot prepare staging schema " + staging + " of " + where + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected String tableName(String table) {
    return SqlValues.quote(staging) + "." + SqlValues.quote(table);
  }

  @Override
  protected String describe() {
    return where;
  }

  @Override
  protected void switchIntoPlace() {
    try {
      connection.commit();
      try (Statement s = connection.createStatement()) {
        // Only needed while the restore could still be resumed.
        s.execute("DROP TABLE IF EXISTS " + PostgresResume.qualified(staging, PostgresResume.META));
        // One transaction: readers see the old schema or the whole new one, never a mix.
        if (replaceExisting) {
          s.execute("DROP SCHEMA IF EXISTS " + SqlValues.quote(target) + " CASCADE");
        }
        s.execute(
            "ALTER SCHEMA " + SqlValues.quote(staging) + " RENAME TO " + SqlValues.quote(target));
      }
      connection.commit();
      connection.close();
      done = true;
    } catch (SQLException e) {
      abort();
      throw new WalstreamException(
          "Cannot finish restore into " + where + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected void discard() {
    if (done) {
      return;
    }
    done = true;
    try {
      connection.rollback();
      try (Statement s = connection.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + SqlValues.quote(staging) + " CASCADE");
      }
      connection.commit();
    } catch (SQLException e) {
      throw new WalstreamException(
          "Cannot drop staging schema " + staging + " of " + where + ": " + e.getMessage(), e);
    } finally {
      // Ending the session also releases the target's advisory lock.
      close(connection, where);
    }
  }
}
