package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.store.ForwardingObjectStore;
import io.walstream.archive.store.ObjectInfo;
import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.plan.TargetNotRestorableException;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.SnapshotRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restores that start from a snapshot equal restores that replay the whole history. */
class SnapshotRestoreTest {
  @TempDir Path dir;

  /** A history of random transactions over two streams (RestorerTest's generator and model). */
  private static RestorerTest history(int transactions, long seed) {
    RestorerTest history = new RestorerTest();
    history.archive(transactions, seed);
    return history;
  }

  private static long lsnAt(RestorerTest history, double fraction) {
    List<List<ChangeRecord>> txs = history.transactions;
    return txs.get((int) (txs.size() * fraction)).get(0).getLsn();
  }

  private static Restorer.Result restore(
      ObjectStore store, Restorer.SnapshotUse use, RestoreTarget target, Path output) {
    return new Restorer(store).using(use).restore("shop", target, SqliteSink.open(output, false));
  }

  private static SnapshotBuilder.Result snapshot(
      ObjectStore store, RestoreTarget target, Path work, int chunkRows) {
    return new SnapshotBuilder(store, "snapshot-test", chunkRows)
        .build("shop", target, GapPolicy.REFUSE, work);
  }

  /** Every table's columns with their declared types, and its rows. */
  private static String schema(Path db) throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet tables =
            c.createStatement()
                .executeQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
                        + " '\\_walstream%' ESCAPE '\\' ORDER BY name")) {
      while (tables.next()) {
        String table = tables.getString(1);
        out.append(table).append(':');
        try (ResultSet columns =
            c.createStatement()
                .executeQuery("PRAGMA table_info(\"" + table.replace("\"", "\"\"") + "\")")) {
          while (columns.next()) {
            out.append(' ')
                .append(columns.getString("name"))
                .append(' ')
                .append(columns.getString("type"))
                .append(columns.getInt("pk") > 0 ? " pk" : "");
          }
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  @Property(tries = 12)
  void shouldEqualAFullReplayWhenRestoringFromASnapshotPlusTheSegmentsAfterIt(
      @ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
    Path work = java.nio.file.Files.createTempDirectory("snapshot-property");
    RestorerTest history = history(150, seed);
    Random random = new Random(seed);
    long at = lsnAt(history, 0.2 + 0.5 * random.nextDouble());
    SnapshotBuilder.Result built =
        snapshot(history.store, new RestoreTarget.AtLsn(at), work, 1 + random.nextInt(30));
    long lastLsn = history.transactions.get(history.transactions.size() - 1).get(0).getLsn();
    List<RestoreTarget> targets = new ArrayList<>();
    targets.add(new RestoreTarget.Latest());
    targets.add(new RestoreTarget.AtLsn(built.snapshot().snapshot().lsn()));
    for (int i = 0; i < 3; i++) {
      long lsn = at + random.nextLong(lastLsn - at + 1);
      targets.add(new RestoreTarget.AtLsn(lsn));
      // Commit times follow lsns in this history: one second an lsn. A time after the last
      // commit is outside the window (more may have committed since), so stay before it.
      long before = Math.min(lsn, lastLsn - 1);
      targets.add(new RestoreTarget.AtTime(RestorerTest.T0.plusSeconds(before).plusMillis(500)));
    }
    int n = 0;
    for (RestoreTarget target : targets) {
      Path fromSnapshot = work.resolve("s" + n + ".db");
      Path replayed = work.resolve("r" + n++ + ".db");

      Restorer.Result a = restore(history.store, Restorer.SnapshotUse.LATEST, target, fromSnapshot);
      Restorer.Result b = restore(history.store, Restorer.SnapshotUse.IGNORE, target, replayed);

      assertThat(a.plan().snapshot()).as("target %s", target.describe()).isNotNull();
      assertThat(b.plan().snapshot()).isNull();
      assertThat(RestorerTest.actual(fromSnapshot)).isEqualTo(RestorerTest.actual(replayed));
      assertThat(schema(fromSnapshot)).isEqualTo(schema(replayed));
      assertThat(a.outcome().lastLsn()).isEqualTo(b.outcome().lastLsn());
      assertThat(a.rowsPerTable()).isEqualTo(b.rowsPerTable());
    }
  }

  @Test
  void shouldHoldTheSameRowsWhenBuiltFromThePreviousSnapshotOrFromScratch() throws Exception {
    RestorerTest history = history(300, 11);
    RestorerTest scratch = history(300, 11);
    long first = lsnAt(history, 0.3);
    long second = lsnAt(history, 0.8);

    SnapshotBuilder.Result a = snapshot(history.store, new RestoreTarget.AtLsn(first), dir, 7);
    SnapshotBuilder.Result b = snapshot(history.store, new RestoreTarget.AtLsn(second), dir, 7);
    SnapshotBuilder.Result c = snapshot(scratch.store, new RestoreTarget.AtLsn(second), dir, 7);

    assertThat(a.base()).isNull();
    assertThat(b.base().key()).isEqualTo(a.snapshot().key());
    assertThat(b.snapshot().snapshot().prevSnapshotSha256()).isEqualTo(a.snapshot().sha256());
    assertThat(c.base()).isNull();
    Snapshot fromPrevious = b.snapshot().snapshot();
    Snapshot fromScratch = c.snapshot().snapshot();
    assertThat(fromPrevious.lsn()).isEqualTo(fromScratch.lsn());
    assertThat(rows(history.store, fromPrevious)).isEqualTo(rows(scratch.store, fromScratch));
    assertThat(fromPrevious.tables()).isEqualTo(fromScratch.tables());
    assertThat(fromPrevious.chunks())
        .as("same rows make the same chunks")
        .isEqualTo(fromScratch.chunks());
    assertThat(fromPrevious.streams()).isEqualTo(fromScratch.streams());
    assertThat(fromPrevious.rows()).isPositive();
  }

  private static Set<String> rows(ObjectStore store, Snapshot snapshot) {
    Snapshots snapshots = new Snapshots(new ArchiveReader(store));
    Set<String> rows = new HashSet<>();
    for (Snapshot.Chunk chunk : snapshot.chunks()) {
      for (SnapshotRow row : snapshots.rows(snapshot, chunk)) {
        rows.add(
            chunk.table()
                + " "
                + new TreeMap<>(row.getKey())
                + " "
                + new TreeMap<>(row.getAfter()));
      }
    }
    return rows;
  }

  /** Counts reads of segment objects. */
  private static final class CountingStore extends ForwardingObjectStore {
    final AtomicInteger segmentReads = new AtomicInteger();

    CountingStore(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    protected <T> T around(Call call, String key, Supplier<T> operation) {
      if (call == Call.READ && key.endsWith(ArchiveLayout.SEGMENT_SUFFIX)) {
        segmentReads.incrementAndGet();
      }
      return operation.get();
    }
  }

  @Test
  void shouldReadTheSnapshotAndOnlyTheSegmentsAfterItWhenRestoringTheLatestState()
      throws Exception {
    RestorerTest history = history(400, 3);
    SnapshotBuilder.Result built =
        snapshot(history.store, new RestoreTarget.AtLsn(lsnAt(history, 0.9)), dir, 50);
    Snapshot snapshot = built.snapshot().snapshot();
    ArchiveReader reader = new ArchiveReader(history.store);
    int after = 0;
    int all = 0;
    for (var stream : reader.allStreams()) {
      long covered = snapshot.positionOf(stream).seq();
      for (long seq = 0; seq <= reader.loadHead(stream).seq(); seq++) {
        StoredManifest m = reader.readManifest(stream, seq).orElseThrow();
        if (m.manifest() instanceof Manifest.Segment) {
          all++;
          after += seq > covered ? 1 : 0;
        }
      }
    }
    CountingStore counting = new CountingStore(history.store);

    Restorer.Result result =
        restore(
            counting, Restorer.SnapshotUse.LATEST, new RestoreTarget.Latest(), dir.resolve("l.db"));

    assertThat(result.plan().snapshot().key()).isEqualTo(snapshot.key());
    assertThat(result.plan().segments()).isEqualTo(after);
    assertThat(counting.segmentReads.get()).isEqualTo(after).isLessThan(all / 4);
    assertThat(RestorerTest.actual(dir.resolve("l.db")))
        .isEqualTo(RestorerTest.actual(restoreFully(history, dir.resolve("f.db"))));
  }

  private static Path restoreFully(RestorerTest history, Path output) {
    restore(history.store, Restorer.SnapshotUse.IGNORE, new RestoreTarget.Latest(), output);
    return output;
  }

  @Test
  void shouldRefuseAndLeaveNoOutputWhenAChunkIsCorrupt() {
    RestorerTest history = history(120, 5);
    Snapshot snapshot =
        snapshot(history.store, new RestoreTarget.AtLsn(lsnAt(history, 0.5)), dir, 10)
            .snapshot()
            .snapshot();
    String chunk = snapshot.chunks().get(1).key();
    byte[] bytes = history.store.readAll(chunk).orElseThrow();
    bytes[bytes.length / 2] ^= 1;
    history.store.corrupt(chunk, bytes);
    Path output = dir.resolve("corrupt.db");

    assertThatThrownBy(
            () ->
                restore(
                    history.store, Restorer.SnapshotUse.LATEST, new RestoreTarget.Latest(), output))
        .isInstanceOfSatisfying(IntegrityException.class, e -> assertThat(e.key()).isEqualTo(chunk))
        .hasMessageContaining("SNAPSHOT_CHUNK_MISMATCH");
    assertThat(output).doesNotExist();
  }

  @Test
  void shouldFindTheSnapshotAgainWhenBuiltTwiceAtTheSameLsn() {
    RestorerTest history = history(100, 9);
    RestoreTarget target = new RestoreTarget.AtLsn(lsnAt(history, 0.5));

    SnapshotBuilder.Result first = snapshot(history.store, target, dir, 10);
    SnapshotBuilder.Result second = snapshot(history.store, target, dir, 10);

    assertThat(first.made()).isEqualTo(SnapshotBuilder.Made.CREATED);
    assertThat(second.made()).isEqualTo(SnapshotBuilder.Made.EXISTED);
    assertThat(second.snapshot().sha256()).isEqualTo(first.snapshot().sha256());
    assertThat(new Snapshots(new ArchiveReader(history.store)).list("shop")).hasSize(1);
  }

  @Test
  void shouldRefuseASnapshotWhenTheTargetIsBeforeEveryTransaction() {
    RestorerTest history = history(50, 2);
    long first = history.transactions.get(0).get(0).getLsn();

    assertThatThrownBy(() -> snapshot(history.store, new RestoreTarget.AtLsn(first - 1), dir, 10))
        .isInstanceOf(TargetNotRestorableException.class);
    assertThat(history.store.list(ArchiveLayout.snapshotPrefix("shop"), null, 10).objects())
        .extracting(ObjectInfo::key)
        .isEmpty();
    assertThat(history.store.list(ArchiveLayout.snapshotChunkPrefix("shop"), null, 10).objects())
        .extracting(ObjectInfo::key)
        .isEmpty();
  }
}
