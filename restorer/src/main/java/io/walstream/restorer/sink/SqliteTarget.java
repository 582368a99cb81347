package io.walstream.restorer.sink;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What every SQLite target shares: how tables, column types and values are written, and taking over
 * the tables a file already has. A restore's {@link SqliteSink} and a follower's sink extend it.
 */
public abstract class SqliteTarget extends JdbcSink {
  private final Path file;

  protected SqliteTarget(Path file, Connection connection) {
    super(connection);
    this.file = file;
  }

  /** Takes over every table the file holds (columns and primary keys), to go on writing them. */
  protected final void adoptTables() throws SQLException {
    SqliteResume.tables(connection).forEach(this::adopt);
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
  protected Object parameter(Object value) {
    return SqlValues.sqlite(value);
  }

  @Override
  protected void bind(PreparedStatement statement, int index, Object value) throws SQLException {
    // Converted by parameter() on the applying thread: the writing thread only binds.
    statement.setObject(index, value);
  }

  @Override
  protected String describe() {
    return file.toString();
  }
}
