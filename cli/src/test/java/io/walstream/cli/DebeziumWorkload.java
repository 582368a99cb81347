package io.walstream.cli;

import io.walstream.cli.TableStates.Kind;
import io.walstream.cli.TableStates.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A SQL workload on a real PostgreSQL source database: multi-table transactions of inserts, updates
 * and deletes over numeric, date, timestamptz, text, bytea, boolean, jsonb and uuid columns, a
 * TRUNCATE, and an ALTER TABLE ADD COLUMN half-way. It counts the row events Debezium must emit and
 * keeps checkpoints: the source's state right after a commit, with the LSN and time to restore to
 * it.
 */
final class DebeziumWorkload {
  /** The source's tables at the end (tier added half-way). */
  static final List<Table> TABLES =
      List.of(
          new Table(
              "accounts",
              columns(
                  "id", Kind.PLAIN,
                  "name", Kind.PLAIN,
                  "balance", Kind.PLAIN,
                  "opened", Kind.PLAIN,
                  "updated", Kind.TIMESTAMPTZ,
                  "active", Kind.BOOL,
                  "photo", Kind.BYTES,
                  "meta", Kind.PLAIN,
                  "ref", Kind.PLAIN,
                  "tier", Kind.PLAIN)),
          new Table(
              "ledger",
              columns(
                  "id",
                  Kind.PLAIN,
                  "account",
                  Kind.PLAIN,
                  "amount",
                  Kind.NUMBER,
                  "note",
                  Kind.PLAIN)));

  /** The state right after one commit, and how to name that moment to a restore. */
  record Checkpoint(String lsn, String time, Map<String, List<List<String>>> state) {}

  private final Connection source;
  private final Random random;
  private final List<Long> accounts = new ArrayList<>();
  private final List<Long> ledger = new ArrayList<>();
  private long nextId = 1;
  private long events;
  private boolean tiered;

  DebeziumWorkload(Connection source, long seed) {
    this.source = source;
    this.random = new Random(seed);
  }

  private static Map<String, Kind> columns(Object... pairs) {
    Map<String, Kind> columns = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      columns.put((String) pairs[i], (Kind) pairs[i + 1]);
    }
    return columns;
  }

  /** Creates the tables (before the connector starts, so that its publication covers them). */
  static void createTables(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE accounts (id bigint PRIMARY KEY, name varchar(20) NOT NULL, balance"
              + " numeric(12,2), opened date, updated timestamptz, active boolean, photo bytea,"
              + " meta jsonb, ref uuid)");
      s.execute(
          "CREATE TABLE ledger (id integer PRIMARY KEY, account bigint, amount numeric, note"
              + " varchar(40))");
    }
  }

  /**
   * Runs {@code transactions} before the connector starts: its initial snapshot then reads each row
   * there is once, and emits nothing else of what ran.
   */
  void seed(int transactions) throws SQLException {
    for (int i = 0; i < transactions; i++) {
      transaction();
    }
    events = 0;
    try (Statement s = source.createStatement()) {
      for (TableStates.Table t : TABLES) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t.name())) {
          rs.next();
          events += rs.getLong(1);
        }
      }
    }
  }

  /** Row events Debezium emits for what ran so far. */
  long events() {
    return events;
  }

  /** One random transaction of one to four statements over both tables. */
  void transaction() throws SQLException {
    source.setAutoCommit(false);
    int statements = 1 + random.nextInt(4);
    for (int i = 0; i < statements; i++) {
      int pick = random.nextInt(10);
      if (pick < 4 || accounts.isEmpty()) {
        insertAccount();
      } else if (pick < 6) {
        updateAccount();
      } else if (pick < 7) {
        deleteAccount();
      } else {
        ledgerChange();
      }
    }
    source.commit();
    source.setAutoCommit(true);
  }

  /** ALTER TABLE accounts ADD COLUMN tier integer: later rows carry it, earlier ones NULL. */
  void addColumn() throws SQLException {
    try (Statement s = source.createStatement()) {
      s.execute("ALTER TABLE accounts ADD COLUMN tier integer");
    }
    tiered = true;
  }

  /** TRUNCATE ledger: one truncate event. */
  void truncateLedger() throws SQLException {
    try (Statement s = source.createStatement()) {
      s.execute("TRUNCATE ledger");
    }
    ledger.clear();
    events++;
  }

  /** The source's state now, with the WAL position and time just after the last commit. */
  Checkpoint checkpoint() throws SQLException {
    String lsn;
    String time;
    try (Statement s = source.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_current_wal_lsn()::text, to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                    + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")) {
      rs.next();
      lsn = rs.getString(1);
      time = rs.getString(2);
    }
    return new Checkpoint(lsn, time, TableStates.all(source, TABLES));
  }

  private void insertAccount() throws SQLException {
    long id = nextId++;
    String sql =
        "INSERT INTO accounts (id, name, balance, opened, updated, active, photo, meta, ref"
            + (tiered ? ", tier" : "")
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::uuid"
            + (tiered ? ", ?" : "")
            + ")";
    try (PreparedStatement s = source.prepareStatement(sql)) {
      s.setLong(1, id);
      s.setString(2, "acct-" + id);
      s.setBigDecimal(3, new java.math.BigDecimal(random.nextInt(1_000_000)).movePointLeft(2));
      s.setObject(4, LocalDate.of(2020, 1, 1).plusDays(random.nextInt(2000)));
      s.setObject(
          5,
          OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
              .plusNanos(random.nextInt(1_000_000_000) * 1_000L));
      s.setBoolean(6, random.nextBoolean());
      s.setBytes(7, random.nextInt(4) == 0 ? null : bytes());
      s.setString(8, "{\"score\": " + random.nextInt(100) + ", \"tags\": [\"a\", \"b\"]}");
      s.setString(9, new UUID(random.nextLong(), random.nextLong()).toString());
      if (tiered) {
        s.setInt(10, random.nextInt(5));
      }
      events += s.executeUpdate();
    }
    accounts.add(id);
  }

  private void updateAccount() throws SQLException {
    long id = accounts.get(random.nextInt(accounts.size()));
    try (PreparedStatement s =
        source.prepareStatement(
            "UPDATE accounts SET balance = balance + ?, active = NOT active, updated = ?"
                + (tiered ? ", tier = " + random.nextInt(5) : "")
                + " WHERE id = ?")) {
      s.setBigDecimal(1, new java.math.BigDecimal(random.nextInt(10_000)).movePointLeft(2));
      s.setObject(
          2,
          OffsetDateTime.of(2026, 6, 1, 0, 0, 0, 0, ZoneOffset.UTC)
              .plusNanos(random.nextInt(1_000_000_000) * 1_000L));
      s.setLong(3, id);
      events += s.executeUpdate();
    }
  }

  private void deleteAccount() throws SQLException {
    Long id = accounts.remove(random.nextInt(accounts.size()));
    try (PreparedStatement s = source.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
      s.setLong(1, id);
      events += s.executeUpdate();
    }
  }

  private void ledgerChange() throws SQLException {
    if (ledger.isEmpty() || random.nextBoolean()) {
      long id = nextId++;
      try (PreparedStatement s =
          source.prepareStatement("INSERT INTO ledger VALUES (?, ?, ?::numeric, ?)")) {
        s.setInt(1, (int) id);
        s.setLong(2, accounts.isEmpty() ? 0 : accounts.get(0));
        s.setString(3, random.nextInt(100) + "." + String.format("%04d", random.nextInt(10_000)));
        s.setString(4, "note " + id);
        events += s.executeUpdate();
      }
      ledger.add(id);
      return;
    }
    long id = ledger.get(random.nextInt(ledger.size()));
    if (random.nextBoolean()) {
      try (PreparedStatement s = source.prepareStatement("DELETE FROM ledger WHERE id = ?")) {
        s.setInt(1, (int) id);
        events += s.executeUpdate();
      }
      ledger.remove(id);
    } else {
      try (PreparedStatement s =
          source.prepareStatement("UPDATE ledger SET note = left(note || '+', 40) WHERE id = ?")) {
        s.setInt(1, (int) id);
        events += s.executeUpdate();
      }
    }
  }

  private byte[] bytes() {
    byte[] b = new byte[1 + random.nextInt(32)];
    random.nextBytes(b);
    return b;
  }
}
