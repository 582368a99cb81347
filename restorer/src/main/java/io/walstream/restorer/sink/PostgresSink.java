package io.walstream.restorer.sink;

import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.TimestampValue;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.value.Values;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Restores into a PostgreSQL schema: everything is written into a fresh staging schema, then, on
 * {@link #commit()}, the target schema is replaced by it in one transaction; on failure the staging
 * schema is dropped and the target is untouched. Natural types: BOOLEAN, BIGINT, DOUBLE PRECISION,
 * TEXT, BYTEA, NUMERIC, DATE, TIMESTAMPTZ.
 */
public final class PostgresSink extends JdbcSink {
  private final String target;
  private final String staging;
  private final String where;
  private final boolean replaceExisting;
  private boolean done;

  private PostgresSink(
      Connection connection, String target, String staging, String where, boolean replaceExisting) {
    super(connection);
    this.target = target;
    this.staging = staging;
    this.where = where;
    this.replaceExisting = replaceExisting;
  }

  /**
   * Opens a sink writing schema {@code schema} of the database at {@code jdbcUrl}.
   *
   * @throws WalstreamException when the schema exists and {@code replaceExisting} is false
   */
  /** How every JDBC URL this sink accepts begins. */
  public static final String URL_PREFIX = "jdbc:postgresql:";

  public static PostgresSink open(String jdbcUrl, String schema, boolean replaceExisting) {
    String where =
        "schema " + schema + " of " + jdbcUrl.replaceAll("password=[^&]*", "password=***");
    if (!jdbcUrl.startsWith(URL_PREFIX)) {
      // Refused before connecting: another database's driver would fail half way, or create files.
      throw new WalstreamException(
          "Cannot restore into "
              + where
              + ": only PostgreSQL JDBC URLs ("
              + URL_PREFIX
              + "//host:port/database) are supported; restore into SQLite with --output FILE");
    }
    try {
      Connection connection = DriverManager.getConnection(jdbcUrl);
      connection.setAutoCommit(false);
      if (schemaExists(connection, schema) && !replaceExisting) {
        connection.close();
        throw new WalstreamException(
            "Cannot restore into " + where + ": it exists (use --force to replace it)");
      }
      String staging = "_walstream_staging_" + UUID.randomUUID().toString().substring(0, 8);
      try (Statement s = connection.createStatement()) {
        s.execute("CREATE SCHEMA " + SqlValues.quote(staging));
      }
      PostgresSink sink = new PostgresSink(connection, schema, staging, where, replaceExisting);
      sink.createPositionTable();
      connection.commit();
      return sink;
    } catch (SQLException e) {
      throw new WalstreamException("Cannot restore into " + where + ": " + e.getMessage(), e);
    }
  }

  private static boolean schemaExists(Connection connection, String schema) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  protected String tableName(String table) {
    return SqlValues.quote(staging) + "." + SqlValues.quote(table);
  }

  @Override
  protected String columnType(Object value) {
    if (value instanceof Boolean) {
      return "BOOLEAN";
    }
    if (value instanceof Integer || value instanceof Long) {
      return "BIGINT";
    }
    if (value instanceof Float || value instanceof Double) {
      return "DOUBLE PRECISION";
    }
    if (value instanceof ByteBuffer) {
      return "BYTEA";
    }
    if (value instanceof DecimalValue) {
      return "NUMERIC";
    }
    if (value instanceof DateValue) {
      return "DATE";
    }
    if (value instanceof TimestampValue) {
      return "TIMESTAMPTZ";
    }
    return "TEXT";
  }

  @Override
  protected void bind(PreparedStatement s, int index, Object value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.NULL);
    } else if (value instanceof Boolean b) {
      s.setBoolean(index, b);
    } else if (value instanceof Integer i) {
      s.setLong(index, i);
    } else if (value instanceof Long l) {
      s.setLong(index, l);
    } else if (value instanceof Float f) {
      s.setDouble(index, f);
    } else if (value instanceof Double d) {
      s.setDouble(index, d);
    } else if (value instanceof ByteBuffer b) {
      s.setBytes(index, Values.bytes(b));
    } else if (value instanceof DecimalValue d) {
      s.setBigDecimal(index, Values.toBigDecimal(d));
    } else if (value instanceof DateValue d) {
      s.setObject(index, d.getDays());
    } else if (value instanceof TimestampValue t) {
      s.setObject(index, OffsetDateTime.ofInstant(t.getMicros(), ZoneOffset.UTC));
    } else {
      s.setString(index, value.toString());
    }
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
  public void abort() {
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
      connection.close();
    } catch (SQLException e) {
      throw new WalstreamException(
          "Cannot drop staging schema " + staging + " of " + where + ": " + e.getMessage(), e);
    }
  }
}
