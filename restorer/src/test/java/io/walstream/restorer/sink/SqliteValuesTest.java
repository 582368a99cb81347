package io.walstream.restorer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.layout.StreamId;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.value.Values;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every value type of the data contract lands in SQLite as its mapping says (declared column type,
 * stored type and value), converted on the applying thread and bound on the writing one; columns
 * are added as they first appear, and an upsert makes the row exactly the after image.
 */
class SqliteValuesTest {
  private static final Instant COMMIT = Instant.parse("2026-12-07T10:00:00Z");
  @TempDir Path dir;

  @Test
  void shouldStoreEveryValueTypeAsTheSqliteTypeMappingSaysWhenRestored() throws Exception {
    List<String> dump = dump(restore("values.db"));

    // Declared types by each column's first value; "later", first seen as NULL, is declared
    // without a type (SQLite keeps each value's own), "added" appears in the second row. Every
    // value as SQLite's quote() and typeof() show it.
    assertThat(dump)
        .containsExactly(
            "columns: id INTEGER, b INTEGER, i INTEGER, l INTEGER, f REAL, d REAL, s TEXT,"
                + " bytes BLOB, dec TEXT, date TEXT, ts TEXT, later , added INTEGER",
            "row: 1 integer, 1 integer, 7 integer, 9000000000 integer, 1.5 real, 2.25 real,"
                + " 'naïve \"x\"' text, X'010203' blob, '12.50' text, '2026-12-07' text,"
                + " '2026-12-07T10:00:00.000001Z' text, NULL null, NULL null",
            "row: 2 integer, NULL null, NULL null, NULL null, NULL null, NULL null, NULL null,"
                + " NULL null, NULL null, NULL null, NULL null, 'now typed' text, 5 integer");
  }

  @Test
  void shouldMakeTheRowExactlyTheAfterImageWhenAnUpdateLeavesColumnsOut() throws Exception {
    SqliteSink sink = SqliteSink.open(dir.resolve("update.db"), false);
    apply(sink, records());
    // An update of row 1 whose image has only "s": every other column becomes NULL.
    Map<String, Object> after = new HashMap<>();
    after.put("id", 1L);
    after.put("s", "only");
    ChangeRecord update = record(Op.UPDATE, 1L, after, 4);
    sink.apply(List.of(update), position(4));
    sink.commit();

    assertThat(dump(dir.resolve("update.db")).get(1))
        .isEqualTo(
            "row: 1 integer, NULL null, NULL null, NULL null, NULL null, NULL null, 'only' text,"
                + " NULL null, NULL null, NULL null, NULL null, NULL null, NULL null");
  }

  private Path restore(String name) {
    Path output = dir.resolve(name);
    SqliteSink sink = SqliteSink.open(output, false);
    apply(sink, records());
    sink.commit();
    return output;
  }

  private static void apply(SqliteSink sink, List<ChangeRecord> records) {
    for (ChangeRecord record : records) {
      sink.apply(List.of(record), position(record.getLsn()));
    }
  }

  /** Every value type; "later" null until the second row, "added" new in it. */
  private static List<ChangeRecord> records() {
    // Linked maps: the columns are added in this order.
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("id", 1L);
    first.put("b", true);
    first.put("i", 7);
    first.put("l", 9_000_000_000L);
    first.put("f", 1.5f);
    first.put("d", 2.25);
    first.put("s", "naïve \"x\"");
    first.put("bytes", ByteBuffer.wrap(new byte[] {1, 2, 3}));
    first.put("dec", Values.decimal(new BigDecimal("12.50")));
    first.put("date", Values.date(LocalDate.of(2026, 12, 7)));
    first.put("ts", Values.timestamp(COMMIT.plusNanos(1_000)));
    first.put("later", null);
    Map<String, Object> second = new LinkedHashMap<>();
    second.put("id", 2L);
    second.put("later", "now typed");
    second.put("added", 5);
    List<ChangeRecord> records = new ArrayList<>();
    records.add(record(Op.INSERT, 1L, first, 1));
    records.add(record(Op.INSERT, 2L, second, 2));
    return records;
  }

  private static ChangeRecord record(Op op, long id, Map<String, Object> after, long lsn) {
    Map<String, Object> key = new HashMap<>();
    key.put("id", id);
    return ChangeRecord.newBuilder()
        .setDatabase("shop")
        .setTable("t")
        .setOp(op)
        .setKey(key)
        .setAfter(after)
        .setLsn(lsn)
        .setTxIndex(0)
        .setTxLast(true)
        .setCommitTime(COMMIT)
        .build();
  }

  private static TransactionPosition position(long lsn) {
    return new TransactionPosition(new StreamId("shop", "shop.changes", 0), lsn, lsn);
  }

  /** The declared columns of table t, then each row as quote() and typeof() of every column. */
  private static List<String> dump(Path db) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      List<String> columns = new ArrayList<>();
      List<String> declared = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("PRAGMA table_info(\"t\")")) {
        while (rs.next()) {
          columns.add(rs.getString("name"));
          declared.add(rs.getString("name") + " " + rs.getString("type"));
        }
      }
      lines.add("columns: " + String.join(", ", declared));
      StringBuilder select = new StringBuilder("SELECT ");
      for (int i = 0; i < columns.size(); i++) {
        String quoted = "\"" + columns.get(i) + "\"";
        select.append(i == 0 ? "" : ", ").append("quote(").append(quoted).append("), typeof(");
        select.append(quoted).append(")");
      }
      try (ResultSet rs = s.executeQuery(select + " FROM \"t\" ORDER BY \"id\"")) {
        while (rs.next()) {
          List<String> values = new ArrayList<>();
          for (int i = 0; i < columns.size(); i++) {
            values.add(rs.getString(2 * i + 1) + " " + rs.getString(2 * i + 2));
          }
          lines.add("row: " + String.join(", ", values));
        }
      }
    }
    return lines;
  }
}
