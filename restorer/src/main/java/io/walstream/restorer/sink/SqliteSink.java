package io.walstream.restorer.sink;

import io.walstream.schemas.error.WalstreamException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * Restores into a SQLite file: writes a temporary file next to the output, in batched transactions,
 * then fsyncs it and renames it over the output only on {@link #commit()}.
 */
public final class SqliteSink extends JdbcSink {
  private final Path output;
  private final Path temp;
  private boolean done;

  private SqliteSink(Path output, Path temp, Connection connection) {
    super(connection);
    this.output = output;
    this.temp = temp;
  }

  /**
   * Opens a sink for {@code output}.
   *
   * @throws WalstreamException when the output exists and {@code replaceExisting} is false
   */
  public static SqliteSink open(Path output, boolean replaceExisting) {
    Path absolute = output.toAbsolutePath().normalize();
    if (Files.exists(absolute) && !replaceExisting) {
      throw new WalstreamException(
          "Cannot restore into " + absolute + ": it exists (use --force to replace it)");
    }
    Path temp =
        absolute.resolveSibling(
            "." + absolute.getFileName() + ".walstream-" + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(absolute.getParent());
      removeLeftovers(absolute);
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + temp);
      tune(connection);
      connection.setAutoCommit(false);
      SqliteSink sink = new SqliteSink(absolute, temp, connection);
      sink.createPositionTable();
      return sink;
    } catch (SQLException | IOException e) {
      throw new WalstreamException(
          "Cannot create restore file next to " + absolute + ": " + e.getMessage(), e);
    }
  }

  /**
   * The temporary file matters only once it is complete: a restore that stops midway deletes it and
   * starts over, and {@link #switchIntoPlace()} fsyncs it before the rename. So its batches need no
   * fsync and no journal on disk (measured: commits with SQLite's default fsyncs took a third of
   * the applying thread). A larger page cache keeps upserts of random keys off the disk.
   */
  public static final List<String> PRAGMAS =
      List.of(
          "PRAGMA synchronous = OFF", "PRAGMA journal_mode = MEMORY", "PRAGMA cache_size = -65536");

  private static void tune(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String pragma : PRAGMAS) {
        s.execute(pragma);
      }
    }
  }

  /** Removes temporary files an earlier, killed restore into the same output left behind. */
  private static void removeLeftovers(Path output) throws IOException {
    String prefix = "." + output.getFileName() + ".walstream-";
    try (var siblings = Files.newDirectoryStream(output.getParent(), prefix + "*")) {
      for (Path leftover : siblings) {
        org.slf4j.LoggerFactory.getLogger(SqliteSink.class)
            .info("Removing {} left behind by an interrupted restore", leftover);
        Files.deleteIfExists(leftover);
      }
    }
  }

  @Override
  protected String tableName(String table) {
    return SqlValues.quote(table);
  }

  @Override
  protected String columnType(Object value) {
    return SqlValues.sqliteType(value);
  }

  @Override
  protected void bind(PreparedStatement statement, int index, Object value) throws SQLException {
    statement.setObject(index, SqlValues.sqlite(value));
  }

  @Override
  protected String describe() {
    return output.toString();
  }

  @Override
  protected void switchIntoPlace() {
    try {
      connection.commit();
      connection.close();
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(output.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
      done = true;
    } catch (SQLException | IOException e) {
      abort();
      throw new WalstreamException(
          "Cannot finish restore into " + output + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void abort() {
    if (done) {
      return;
    }
    done = true;
    try {
      connection.close();
    } catch (SQLException e) {
      org.slf4j.LoggerFactory.getLogger(SqliteSink.class)
          .warn("Cannot close {}: {}", temp, e.toString());
    }
    try {
      Files.deleteIfExists(temp);
      Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + "-journal"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove temporary restore file " + temp, e);
    }
  }
}
