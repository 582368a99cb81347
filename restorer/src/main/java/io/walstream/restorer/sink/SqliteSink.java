package io.walstream.restorer.sink;

import io.walstream.archive.store.FileLocks;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Restores into a SQLite file: writes a temporary file next to the output, in batched transactions,
 * then fsyncs it and renames it over the output only on {@link #commit()}.
 */
public final class SqliteSink extends SqliteTarget {
  private final Path output;
  private final Path temp;
  private boolean done;

  private final FileChannel lock;
  private final boolean leftover;

  private SqliteSink(
      Path output, Path temp, Connection connection, FileChannel lock, boolean leftover) {
    super(output, connection);
    this.output = output;
    this.temp = temp;
    this.lock = lock;
    this.leftover = leftover;
  }

  /**
   * Opens a sink for {@code output}. The sink writes {@code .<name>.walstream-restore} next to it;
   * one that a killed restore left behind is kept, so that {@link #resume} can continue it.
   *
   * @throws WalstreamException when the output exists and {@code replaceExisting} is false, or
   *     another restore is writing the same output
   */
  public static SqliteSink open(Path output, boolean replaceExisting) {
    Path absolute = output.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      // Refused before anything is written: the restore could never be renamed over it.
      throw new WalstreamException(
          "Cannot restore into "
              + absolute
              + ": it is a directory; name the SQLite file to write (e.g. "
              + absolute.resolve("restored.db")
              + ")");
    }
    if (Files.exists(absolute) && !replaceExisting) {
      throw new WalstreamException(
          "Cannot restore into " + absolute + ": it exists (use --force to replace it)");
    }
    Path temp = absolute.resolveSibling("." + absolute.getFileName() + ".walstream-restore");
    FileChannel lock = null;
    try {
      Files.createDirectories(absolute.getParent());
      lock = lock(absolute, temp);
      removeLeftovers(absolute);
      boolean leftover = Files.exists(temp);
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + temp);
      tune(connection);
      connection.setAutoCommit(false);
      SqliteSink sink = new SqliteSink(absolute, temp, connection, lock, leftover);
      sink.createPositionTable();
      return sink;
    } catch (SQLException | IOException e) {
      closeQuietly(lock);
      throw new WalstreamException(
          "Cannot create restore file next to " + absolute + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(lock);
      throw e;
    }
  }

  /** Holds {@code <temp>.lock} exclusively: two restores must never write one output. */
  private static FileChannel lock(Path output, Path temp) throws IOException {
    Path lockFile = temp.resolveSibling(temp.getFileName() + ".lock");
    Optional<FileChannel> held = FileLocks.tryHold(lockFile);
    if (held.isEmpty()) {
      throw new WalstreamException(
          "Cannot restore into " + output + ": another restore is writing it (" + lockFile + ")");
    }
    return held.get();
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(SqliteSink.class)
          .warn("Cannot release lock: {}", e.toString());
    }
  }

  /**
   * Continues the file a killed restore of the same database to the same target left behind, when
   * it is intact and has committed batches: their transactions (every one up to the LSN returned)
   * are not applied again. Anything else is discarded and the restore starts from the beginning.
   */
  @Override
  public OptionalLong resume(String database, String target) {
    try {
      OptionalLong after =
          leftover ? SqliteResume.lastApplied(connection, database, target) : OptionalLong.empty();
      if (after.isPresent()) {
        adoptTables();
        org.slf4j.LoggerFactory.getLogger(SqliteSink.class)
            .info("Resuming the interrupted restore in {} after lsn {}", temp, after.getAsLong());
        return after;
      }
      if (leftover) {
        org.slf4j.LoggerFactory.getLogger(SqliteSink.class)
            .info(
                "Starting over: {} is not a resumable restore of {} to {}", temp, database, target);
        SqliteResume.wipe(connection);
        createPositionTable();
      }
      SqliteResume.describe(connection, database, target);
      connection.commit();
      return OptionalLong.empty();
    } catch (SQLException e) {
      throw new WalstreamException(
          "Cannot prepare restore file " + temp + ": " + e.getMessage(), e);
    }
  }

  /**
   * The temporary file needs no fsync per batch: {@link #switchIntoPlace()} fsyncs it once before
   * the rename (measured: commits with SQLite's default fsyncs took a third of the applying
   * thread). A write-ahead log keeps committed batches intact when the process is killed, so that a
   * rerun can resume; an OS crash may lose them, and then the rerun starts over. A larger page
   * cache keeps upserts of random keys off the disk.
   */
  public static final List<String> PRAGMAS =
      List.of(
          "PRAGMA synchronous = OFF", "PRAGMA journal_mode = WAL", "PRAGMA cache_size = -65536");

  private static void tune(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String pragma : PRAGMAS) {
        s.execute(pragma);
      }
    }
  }

  /** Removes the temporary files of earlier versions, which could not be resumed. */
  private static void removeLeftovers(Path output) throws IOException {
    String prefix = "." + output.getFileName() + ".walstream-";
    try (var siblings = Files.newDirectoryStream(output.getParent(), prefix + "*.tmp")) {
      for (Path leftover : siblings) {
        org.slf4j.LoggerFactory.getLogger(SqliteSink.class)
            .info("Removing {} left behind by an interrupted restore", leftover);
        Files.deleteIfExists(leftover);
      }
    }
  }

  @Override
  protected void switchIntoPlace() {
    try {
      try (Statement s = connection.createStatement()) {
        // Only needed while the restore could still be resumed.
        s.execute("DROP TABLE IF EXISTS " + SqlValues.quote(SqliteResume.META));
      }
      connection.commit();
      connection.setAutoCommit(true);
      try (Statement s = connection.createStatement()) {
        // Folds the write-ahead log into the file: the output is one self-contained file.
        s.execute("PRAGMA journal_mode = DELETE");
      }
      connection.close();
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(output.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
      done = true;
      release();
    } catch (SQLException | IOException e) {
      abort();
      throw new WalstreamException(
          "Cannot finish restore into " + output + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected void discard() {
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
      for (String suffix : List.of("", "-journal", "-wal", "-shm")) {
        Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + suffix));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove temporary restore file " + temp, e);
    } finally {
      release();
    }
  }

  private void release() {
    closeQuietly(lock);
    try {
      Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + ".lock"));
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(SqliteSink.class)
          .warn("Cannot remove the lock file of {}: {}", temp, e.toString());
    }
  }
}
