package io.walstream.schemas.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server for tests (127.0.0.1:5432 unless -Dwalstream.it.postgres says otherwise):
 * tests that need it are skipped with the reason when it does not answer, or fail when
 * WALSTREAM_REQUIRE_POSTGRES=1 (as .ci/run sets when the server is up).
 */
public final class Postgres {
  public static final String URL =
      System.getProperty(
          "walstream.it.postgres", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

  private Postgres() {}

  /** Skips the calling test class or test (or fails it, when required) without a server. */
  public static void require() {
    try (Connection c = DriverManager.getConnection(URL)) {
      if (!c.isValid(5)) {
        throw new SQLException("connection is not valid");
      }
    } catch (SQLException e) {
      if ("1".equals(System.getenv("WALSTREAM_REQUIRE_POSTGRES"))) {
        throw new AssertionError(
            "PostgreSQL is required (WALSTREAM_REQUIRE_POSTGRES=1) but "
                + URL
                + " fails: "
                + e.getMessage(),
            e);
      }
      Assumptions.abort(
          "No PostgreSQL server at "
              + URL
              + " ("
              + e.getMessage()
              + "); set WALSTREAM_REQUIRE_POSTGRES=1 to fail instead");
    }
  }
}
