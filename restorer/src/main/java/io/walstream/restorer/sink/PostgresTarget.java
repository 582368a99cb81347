package io.walstream.restorer.sink;

import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.TimestampValue;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.value.Values;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * What every PostgreSQL target shares: natural column types (BOOLEAN, BIGINT, DOUBLE PRECISION,
 * TEXT, BYTEA, NUMERIC, DATE, TIMESTAMPTZ), how values are bound, and the session advisory lock
 * that keeps two writers (restores or followers) off one schema. A restore's {@link PostgresSink}
 * and a follower's sink extend it.
 */
public abstract class PostgresTarget extends JdbcSink {
  /** How every JDBC URL a PostgreSQL target accepts begins. */
  public static final String URL_PREFIX = "jdbc:postgresql:";

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(PostgresTarget.class);

  protected PostgresTarget(Connection connection) {
    super(connection);
  }

  /** How messages name schema {@code schema} at {@code jdbcUrl}, the password masked. */
  public static String where(String jdbcUrl, String schema) {
    return "schema " + schema + " of " + jdbcUrl.replaceAll("password=[^&]*", "password=***");
  }

  /**
   * Refuses a URL of another database before connecting: its driver would fail half way, or create
   * files.
   */
  protected static void requirePostgres(String jdbcUrl, String where) {
    if (!jdbcUrl.startsWith(URL_PREFIX)) {
      throw new WalstreamException(
          "Cannot restore into "
              + where
              + ": only PostgreSQL JDBC URLs ("
              + URL_PREFIX
              + "//host:port/database) are supported; restore into SQLite with --output FILE");
    }
  }

  /**
   * Takes over every table {@code schema} holds (columns and primary keys), to go on writing them.
   */
  protected final void adoptTables(String schema) throws SQLException {
    PostgresResume.tables(connection, schema).forEach(this::adopt);
  }

  /** {@code "schema"."table"}, quoted. */
  protected static String qualified(String schema, String table) {
    return PostgresResume.qualified(schema, table);
  }

  /** Whether {@code schema} exists in the database {@code connection} is on. */
  public static boolean schemaExists(Connection connection, String schema) throws SQLException {
    return PostgresResume.schemaExists(connection, schema);
  }

  /** Takes the target's advisory lock for this session, or refuses: another restore holds it. */
  protected static void lock(Connection connection, String schema, String where)
      throws SQLException {
    long key = PostgresResume.lockKey(schema);
    try (PreparedStatement s = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      s.setLong(1, key);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new WalstreamException(
              "Cannot restore into "
                  + where
                  + ": another restore is writing it (it holds advisory lock "
                  + key
                  + ")");
        }
      }
    }
  }

  protected static void close(Connection connection, String where) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("Cannot close the connection to {}: {}", where, e.toString());
    }
  }

  @Override
  protected String columnType(Object value) {
    if (value == null) {
      // A typed database: a column first seen NULL waits for a value that says its type (a
      // column added at the source appears from its first value on, NULL before).
      return null;
    }
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
}
