package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.Batch;
import io.walstream.archive.writer.CommitResult;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.plan.TargetNotRestorableException;
import io.walstream.restorer.sink.SqliteRows;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.value.Values;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restores random change streams to many targets and compares with an independent model. */
class RestorerTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  @TempDir Path dir;
  final InMemoryObjectStore store = new InMemoryObjectStore();
  final List<List<ChangeRecord>> transactions = new ArrayList<>();

  /** The keys {@link #archive} encrypts with; none (plaintext) unless a test sets them. */
  io.walstream.archive.crypto.Keyring keys = io.walstream.archive.crypto.Keyring.none();

  /** Writes {@code count} random transactions over two streams (topics) of database "shop". */
  void archive(int count, long seed) {
    Random random = new Random(seed);
    ArchiveWriter writer = new ArchiveWriter(store, "test", 3, keys);
    Map<StreamId, List<ChangeRecord>> pending = new HashMap<>();
    Map<StreamId, StreamHead> heads = new HashMap<>();
    Map<StreamId, Long> offsets = new HashMap<>();
    StreamId[] streams = {
      new StreamId("shop", "a.changes", 0), new StreamId("shop", "b.changes", 1)
    };
    long lsn = 100;
    for (int t = 0; t < count; t++) {
      lsn += 1 + random.nextInt(3);
      StreamId stream = streams[random.nextInt(2)];
      List<ChangeRecord> tx = new ArrayList<>();
      int size = 1 + random.nextInt(4);
      for (int i = 0; i < size; i++) {
        tx.add(record(random, lsn, i, i == size - 1, T0.plusSeconds(lsn)));
      }
      transactions.add(tx);
      List<ChangeRecord> buffer = pending.computeIfAbsent(stream, k -> new ArrayList<>());
      buffer.addAll(tx);
      // Cut at random, sometimes inside a transaction's records as the archiver may.
      if (buffer.size() > 3 + random.nextInt(10) || t == count - 1) {
        flush(
            writer,
            stream,
            buffer,
            heads,
            offsets,
            buffer.size() - (t == count - 1 ? 0 : random.nextInt(2)));
      }
    }
    for (StreamId stream : streams) {
      List<ChangeRecord> buffer = pending.getOrDefault(stream, new ArrayList<>());
      if (!buffer.isEmpty()) {
        flush(writer, stream, buffer, heads, offsets, buffer.size());
      }
    }
  }

  private static void flush(
      ArchiveWriter writer,
      StreamId stream,
      List<ChangeRecord> buffer,
      Map<StreamId, StreamHead> heads,
      Map<StreamId, Long> offsets,
      int take) {
    if (take <= 0) {
      return;
    }
    StreamHead head = heads.computeIfAbsent(stream, writer::loadHead);
    long first = offsets.getOrDefault(stream, 0L);
    List<ChangeRecord> batch = new ArrayList<>(buffer.subList(0, take));
    CommitResult result =
        writer.commit(head, Batch.of(batch, first, first + take - 1, first + take - 1, null));
    heads.put(stream, ((CommitResult.Committed) result).head());
    offsets.put(stream, first + take);
    buffer.subList(0, take).clear();
  }

  private static ChangeRecord record(
      Random random, long lsn, int txIndex, boolean last, Instant commit) {
    String table = random.nextBoolean() ? "orders" : "order \"items\"";
    long id = random.nextInt(20);
    int dice = random.nextInt(100);
    Op op = dice < 5 ? Op.TRUNCATE : dice < 20 ? Op.DELETE : dice < 50 ? Op.UPDATE : Op.INSERT;
    Map<String, Object> key = op == Op.TRUNCATE ? Map.of() : Map.of("id", id);
    Map<String, Object> after = null;
    if (op == Op.INSERT || op == Op.UPDATE) {
      after = new LinkedHashMap<>();
      after.put("id", id);
      after.put("status", random.nextBoolean() ? "paid" : "naïve ✓");
      if (random.nextBoolean()) {
        after.put("total", Values.decimal(new BigDecimal(random.nextInt(100000)).movePointLeft(2)));
      }
      if (random.nextInt(4) == 0) {
        after.put("select", random.nextBoolean());
      }
      if (random.nextInt(5) == 0) {
        after.put("when", Values.timestamp(commit));
      }
    }
    return ChangeRecord.newBuilder()
        .setDatabase("shop")
        .setTable(table)
        .setOp(op)
        .setKey(key)
        .setAfter(after)
        .setLsn(lsn)
        .setTxIndex(txIndex)
        .setTxLast(last)
        .setCommitTime(commit)
        .build();
  }

  /**
   * The oracle: tables as key → row (SQLite values, nulls dropped) after the admitted transactions.
   */
  Map<String, Map<Object, Map<String, Object>>> expected(RestoreTarget target) {
    Map<String, Map<Object, Map<String, Object>>> tables = new TreeMap<>();
    for (List<ChangeRecord> tx : transactions) {
      ChangeRecord last = tx.get(tx.size() - 1);
      if (!target.admits(last.getLsn(), Values.toMicros(last.getCommitTime()))) {
        break;
      }
      for (ChangeRecord r : tx) {
        Map<Object, Map<String, Object>> rows = tables.get(r.getTable());
        switch (r.getOp()) {
          case TRUNCATE -> {
            if (rows != null) {
              rows.clear();
            }
          }
          case DELETE -> {
            if (rows != null) {
              rows.remove(r.getKey().get("id"));
            }
          }
          default -> {
            Map<String, Object> row = new TreeMap<>();
            r.getAfter()
                .forEach(
                    (c, v) -> {
                      Object sql = sqlite(v);
                      if (sql != null) {
                        row.put(c, sql);
                      }
                    });
            tables
                .computeIfAbsent(r.getTable(), k -> new HashMap<>())
                .put(r.getKey().get("id"), row);
          }
        }
      }
    }
    return tables;
  }

  private static Object sqlite(Object v) {
    if (v instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (v instanceof io.walstream.schemas.avro.DecimalValue d) {
      return Values.toBigDecimal(d).toPlainString();
    }
    if (v instanceof io.walstream.schemas.avro.TimestampValue t) {
      return Values.formatTimestamp(t.getMicros());
    }
    return v;
  }

  static Map<String, Map<Object, Map<String, Object>>> actual(Path db) throws Exception {
    return SqliteRows.read(db, "id");
  }

  Restorer.Result restore(RestoreTarget target, Path output) {
    return new Restorer(store).restore("shop", target, SqliteSink.open(output, false));
  }

  @Test
  void shouldRefuseARestoreOfTwoStreamsWhenOneStreamsIndexEntryIsDeletedAndEqualTheModelBefore()
      throws Exception {
    archive(120, 5);
    Path before = dir.resolve("before.db");
    restore(new RestoreTarget.Latest(), before);
    var expected = expected(new RestoreTarget.Latest());
    var actual = actual(before);
    expected.values().removeIf(java.util.Map::isEmpty);
    actual.values().removeIf(java.util.Map::isEmpty);
    assertThat(actual).isEqualTo(expected);
    String indexKey =
        io.walstream.archive.layout.ArchiveLayout.streamIndexKey(
            new StreamId("shop", "b.changes", 1));
    assertThat(store.delete(indexKey)).isTrue();
    Path after = dir.resolve("after.db");

    assertThatThrownBy(() -> restore(new RestoreTarget.Latest(), after))
        .isInstanceOfSatisfying(
            IntegrityException.class, e -> assertThat(e.key()).isEqualTo(indexKey))
        .hasMessageContaining("MISSING_INDEX_ENTRY");
    assertThat(after).doesNotExist();
  }

  @Test
  void shouldEqualTheModelWhenRestoredToLatestAndToEveryKindOfTarget() throws Exception {
    archive(300, 42);
    List<RestoreTarget> targets = new ArrayList<>();
    targets.add(new RestoreTarget.Latest());
    long firstLsn = transactions.get(0).get(0).getLsn();
    long lastLsn = transactions.get(transactions.size() - 1).get(0).getLsn();
    targets.add(new RestoreTarget.AtLsn(firstLsn));
    targets.add(new RestoreTarget.AtLsn(lastLsn));
    Random random = new Random(7);
    for (int i = 0; i < 6; i++) {
      long lsn = firstLsn + random.nextInt((int) (lastLsn - firstLsn));
      targets.add(new RestoreTarget.AtLsn(lsn));
      targets.add(new RestoreTarget.AtTime(T0.plusSeconds(lsn).plusMillis(500)));
    }
    int n = 0;
    for (RestoreTarget target : targets) {
      Path output = dir.resolve("restore-" + n++ + ".db");

      Restorer.Result result = restore(target, output);

      var expected = expected(target);
      var actual = actual(output);
      // A table with no rows equals no table: a DELETE may create one the model never names.
      expected.values().removeIf(java.util.Map::isEmpty);
      actual.values().removeIf(java.util.Map::isEmpty);
      assertThat(actual).as("restore to %s", target).isEqualTo(expected);
      assertThat(result.outcome().pendingRecords()).isZero();
    }
  }

  @Test
  void shouldRefuseTargetsOutsideTheWindowAndStateIt() {
    archive(20, 1);
    long firstLsn = transactions.get(0).get(0).getLsn();

    assertThatThrownBy(() -> restore(new RestoreTarget.AtLsn(firstLsn - 1), dir.resolve("x.db")))
        .isInstanceOf(TargetNotRestorableException.class)
        .hasMessageContaining("before the first archived transaction")
        .hasMessageContaining("the restorable window is lsn " + firstLsn);
    assertThatThrownBy(
            () -> restore(new RestoreTarget.AtTime(T0.plusSeconds(1_000_000)), dir.resolve("x.db")))
        .isInstanceOf(TargetNotRestorableException.class)
        .hasMessageContaining("after the last archived transaction");
    assertThat(dir.resolve("x.db")).doesNotExist();
  }

  @Test
  void shouldFailClosedAndLeaveNothingWhenASegmentIsCorrupt() throws Exception {
    archive(100, 3);
    StreamId stream = new StreamId("shop", "a.changes", 0);
    Manifest.Segment third =
        (Manifest.Segment)
            new ArchiveReader(store).readManifest(stream, 2).orElseThrow().manifest();
    byte[] bytes = store.readAll(third.segment().key()).orElseThrow();
    bytes[bytes.length / 2] ^= 1;
    store.corrupt(third.segment().key(), bytes);
    Path output = dir.resolve("corrupt.db");

    assertThatThrownBy(() -> restore(new RestoreTarget.Latest(), output))
        .isInstanceOfSatisfying(
            IntegrityException.class, e -> assertThat(e.key()).isEqualTo(third.segment().key()))
        .hasMessageContaining("SEGMENT_HASH_MISMATCH");
    assertThat(output).doesNotExist();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void shouldReportProgressForEveryVerifiedSegment() {
    archive(200, 11);
    List<long[]> reports = new ArrayList<>();

    Restorer.Result result =
        new Restorer(store, 2)
            .restore(
                "shop",
                new RestoreTarget.Latest(),
                GapPolicy.REFUSE,
                SqliteSink.open(dir.resolve("p.db"), false),
                (done, total, bytes, totalBytes) ->
                    reports.add(new long[] {done, total, bytes, totalBytes}));

    assertThat(reports).hasSize((int) result.plan().segments());
    long[] last = reports.get(reports.size() - 1);
    assertThat(last[0]).isEqualTo(last[1]);
    assertThat(last[2]).isEqualTo(last[3]).isEqualTo(result.plan().bytes());
  }

  @Test
  void shouldRefuseSinksTheyCannotWriteBeforeWritingAnything() throws Exception {
    Path directory = Files.createDirectories(dir.resolve("dir.db"));
    Path sqlite = dir.resolve("via-jdbc.db");

    assertThatThrownBy(() -> SqliteSink.open(directory, true))
        .hasMessageContaining("it is a directory");
    assertThatThrownBy(
            () -> io.walstream.restorer.sink.PostgresSink.open("jdbc:sqlite:" + sqlite, "s", false))
        .hasMessageContaining("only PostgreSQL JDBC URLs");
    assertThat(sqlite).doesNotExist();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("dir.db");
    }
  }

  @Test
  void shouldRefuseToOverwriteAnExistingOutput() throws Exception {
    archive(5, 9);
    Path output = dir.resolve("exists.db");
    Files.writeString(output, "keep me");

    assertThatThrownBy(() -> restore(new RestoreTarget.Latest(), output))
        .hasMessageContaining("it exists (use --force to replace it)");
    assertThat(Files.readString(output)).isEqualTo("keep me");
  }

  @Test
  void shouldLeaveOutATrailingTransactionWithoutItsLastRecord() throws Exception {
    ArchiveWriter writer = new ArchiveWriter(store, "t");
    StreamId stream = new StreamId("shop", "a.changes", 0);
    ChangeRecord complete = record(new Random(1), 10, 0, true, T0);
    ChangeRecord open = record(new Random(2), 11, 0, false, T0.plusSeconds(1));
    writer.commit(writer.loadHead(stream), Batch.of(List.of(complete, open), 0, 1, 1, null));
    transactions.add(List.of(complete));

    Restorer.Result result = restore(new RestoreTarget.Latest(), dir.resolve("tail.db"));

    assertThat(result.outcome().transactions()).isEqualTo(1);
    assertThat(result.outcome().pendingRecords()).isEqualTo(1);
    assertThat(result.outcome().lastLsn()).isEqualTo(10);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tail.db"));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT database, topic, partition, seq, lsn FROM _walstream_restore")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("shop");
      assertThat(rs.getString(2)).isEqualTo("a.changes");
      assertThat(rs.getLong(4)).isZero();
      assertThat(rs.getLong(5)).isEqualTo(10);
      assertThat(rs.next()).isFalse();
    }
    Set<String> tables = new HashSet<>(actual(dir.resolve("tail.db")).keySet());
    assertThat(tables).containsAnyElementsOf(Set.of(complete.getTable()));
  }

  private static ChangeRecord change(Op op, long lsn, long id, String status) {
    return ChangeRecord.newBuilder()
        .setDatabase("shop")
        .setTable("orders")
        .setOp(op)
        .setKey(Map.of("id", id))
        .setAfter(op == Op.DELETE ? null : Map.of("id", id, "status", status))
        .setLsn(lsn)
        .setTxIndex(0)
        .setTxLast(true)
        .setCommitTime(T0.plusSeconds(lsn))
        .setSchemaVersion(1)
        .build();
  }

  @Test
  void shouldApplyChangesInArchiveOrderWhenUpsertsAndDeletesOfOneKeyAlternateInABatch()
      throws Exception {
    ArchiveWriter writer = new ArchiveWriter(store, "t");
    StreamId stream = new StreamId("shop", "a.changes", 0);
    List<ChangeRecord> changes =
        List.of(
            change(Op.INSERT, 1, 1, "new"),
            change(Op.DELETE, 2, 1, null),
            change(Op.INSERT, 3, 1, "again"),
            change(Op.INSERT, 4, 2, "kept?"),
            change(Op.UPDATE, 5, 2, "updated"),
            change(Op.DELETE, 6, 2, null),
            change(Op.INSERT, 7, 3, "three"),
            change(Op.DELETE, 8, 3, null),
            change(Op.UPDATE, 9, 3, "back"));
    writer.commit(writer.loadHead(stream), Batch.of(changes, 0, 8, 8, null));

    restore(new RestoreTarget.Latest(), dir.resolve("order.db"));

    Map<Object, Map<String, Object>> orders = actual(dir.resolve("order.db")).get("orders");
    assertThat(orders).containsOnlyKeys(1L, 3L);
    assertThat(orders.get(1L)).containsEntry("status", "again");
    assertThat(orders.get(3L)).containsEntry("status", "back");
  }
}
