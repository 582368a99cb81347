package io.walstream.restorer.follow;

import io.walstream.restorer.sink.PostgresSink;
import io.walstream.restorer.sink.PostgresTarget;
import io.walstream.restorer.sink.Sink;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.schemas.error.WalstreamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;

/** What a follower keeps current: a SQLite file or a PostgreSQL schema. */
public sealed interface FollowTarget {
  /** Whether the target exists (then the follower decides how to go on from it). */
  boolean exists();

  /**
   * A restore's sink for the target: it writes a temporary copy (a file next to it, a staging
   * schema) and replaces the target with it atomically on commit.
   */
  Sink restoreSink();

  /** Opens the target, which a restore wrote, for following in place. */
  FollowSink open();

  /** The target in messages (a PostgreSQL password masked). */
  String describe();

  /** A SQLite file. */
  record SqliteFile(Path file) implements FollowTarget {
    public SqliteFile {
      Objects.requireNonNull(file, "file");
      file = file.toAbsolutePath().normalize();
    }

    @Override
    public boolean exists() {
      return Files.exists(file);
    }

    @Override
    public Sink restoreSink() {
      return SqliteSink.open(file, true);
    }

    @Override
    public FollowSink open() {
      return SqliteFollowSink.open(file);
    }

    @Override
    public String describe() {
      return file.toString();
    }
  }

  /** A schema of a PostgreSQL database. */
  record PostgresSchema(String jdbcUrl, String schema) implements FollowTarget {
    public PostgresSchema {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      Objects.requireNonNull(schema, "schema");
      if (schema.isBlank()) {
        throw new IllegalArgumentException("a PostgreSQL schema name must not be blank");
      }
    }

    @Override
    public boolean exists() {
      if (!jdbcUrl.startsWith(PostgresTarget.URL_PREFIX)) {
        // open() refuses it with the message every PostgreSQL target gives.
        return true;
      }
      try (Connection c = DriverManager.getConnection(jdbcUrl)) {
        return PostgresTarget.schemaExists(c, schema);
      } catch (SQLException e) {
        throw new WalstreamException("Cannot follow into " + describe() + ": " + e.getMessage(), e);
      }
    }

    @Override
    public Sink restoreSink() {
      return PostgresSink.open(jdbcUrl, schema, true);
    }

    @Override
    public FollowSink open() {
      return PostgresFollowSink.open(jdbcUrl, schema);
    }

    @Override
    public String describe() {
      return PostgresTarget.where(jdbcUrl, schema);
    }

    @Override
    public String toString() {
      return describe();
    }
  }
}
