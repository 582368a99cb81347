package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.PermanentStorageException;
import io.walstream.archive.format.Retention;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.retention.ReaderLease;
import io.walstream.archive.retention.Retainer;
import io.walstream.archive.retention.RetentionPolicy;
import io.walstream.archive.store.ForwardingObjectStore;
import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention interrupted at any step, and retention running without grace beside restores: the
 * archive verifies and restores every point it advertises, and no restore loses a file.
 */
class RetentionCrashTest {
  @TempDir Path dir;

  /** A store whose writes (puts and single deletes) fail from the {@code failAt}-th on. */
  private static final class CrashingStore extends ForwardingObjectStore {
    private final int failAt;
    final AtomicInteger writes = new AtomicInteger();

    CrashingStore(ObjectStore delegate, int failAt) {
      super(delegate);
      this.failAt = failAt;
    }

    @Override
    protected <T> T around(Call call, String key, Supplier<T> operation) {
      if ((call == Call.PUT || call == Call.DELETE) && writes.incrementAndGet() >= failAt) {
        throw new PermanentStorageException("killed before writing " + key, key, null);
      }
      return operation.get();
    }

    @Override
    public void deleteAll(List<String> keys) {
      // One step per key, so that a crash can fall between any two deletions.
      keys.forEach(this::delete);
    }
  }

  private static RetentionFixture history(Path dir) {
    return new RetentionFixture(dir, 90, 21, 0.3, 0.6, 0.85);
  }

  @Test
  void shouldVerifyAndRestoreEveryAdvertisedPointWhenRetentionIsKilledAtAnyStep() throws Exception {
    RetentionPolicy keepOne = new RetentionPolicy.KeepSnapshots(1);
    CrashingStore counting = new CrashingStore(history(dir).store(), Integer.MAX_VALUE);
    new Retainer(counting, "retention-test").apply(RetentionFixture.plan(counting, keepOne));
    int steps = counting.writes.get();
    assertThat(steps).as("record, snapshots, chunks, manifests, segments").isGreaterThan(20);

    for (int failAt = 1; failAt <= steps; failAt++) {
      RetentionFixture f = history(dir);
      CrashingStore crashing = new CrashingStore(f.store(), failAt);
      Retainer killed = new Retainer(crashing, "retention-test");
      assertThatThrownBy(() -> killed.apply(RetentionFixture.plan(crashing, keepOne)))
          .as("killed at write %d of %d", failAt, steps)
          .isInstanceOf(PermanentStorageException.class);

      assertThat(RetentionFixture.verifyErrors(f.store())).as("killed at %d", failAt).isEmpty();
      for (RestoreTarget target : advertised(f)) {
        f.assertRestores(f.store(), target);
      }
      // Running it again finishes the job.
      new Retainer(f.store(), "retention-test").apply(RetentionFixture.plan(f.store(), keepOne));
      assertThat(RetentionFixture.expiredFindings(f.store())).as("killed at %d", failAt).isEmpty();
      assertThat(RetentionFixture.verifyErrors(f.store())).isEmpty();
      f.assertRestores(f.store(), new RestoreTarget.Latest());
    }
  }

  /**
   * The points the archive advertises: from the floor snapshot of its retention record (or the
   * start, when the record was not stored) to the end.
   */
  private static List<RestoreTarget> advertised(RetentionFixture f) {
    Optional<Retention> record = new ArchiveReader(f.store()).retention("shop");
    long from = record.map(r -> r.snapshot().lsn()).orElse(f.lsnAt(0.0));
    long middle = from + (f.lastLsn() - from) / 2;
    return List.of(
        new RestoreTarget.AtLsn(from), new RestoreTarget.AtLsn(middle), new RestoreTarget.Latest());
  }

  @Test
  void shouldCompleteEveryRestoreEqualToTheModelWhenRetentionRunsInALoopWithoutGrace()
      throws Exception {
    RetentionFixture f = new RetentionFixture(dir, 400, 31, 0.1);
    ObjectStore store = f.store();
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger restores = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?> retention =
          pool.submit(
              () -> {
                while (!done.get()) {
                  new Retainer(store, "retention-loop")
                      .apply(RetentionFixture.plan(store, new RetentionPolicy.KeepSnapshots(1)));
                  runs.incrementAndGet();
                }
              });
      Future<?> snapshots =
          pool.submit(
              () -> {
                // The floor moves forward while restores run: a snapshot every tenth.
                for (int i = 2; i <= 9; i++) {
                  SnapshotBuilder.Result built = f.snapshot(store, f.lsnAt(i / 10.0));
                  assertThat(built.snapshot()).isNotNull();
                }
              });
      List<Future<?>> restorers =
          List.of(
              pool.submit(() -> restoreUntil(f, snapshots, failures, restores)),
              pool.submit(() -> restoreUntil(f, snapshots, failures, restores)));
      snapshots.get();
      for (Future<?> r : restorers) {
        r.get();
      }
      done.set(true);
      retention.get();
    } finally {
      done.set(true);
      pool.shutdownNow();
    }

    assertThat(failures).isEmpty();
    assertThat(restores.get()).isGreaterThanOrEqualTo(4);
    assertThat(runs.get()).isPositive();
    new Retainer(store, "retention-loop")
        .apply(RetentionFixture.plan(store, new RetentionPolicy.KeepSnapshots(1)));
    assertThat(new ArchiveReader(store).retention("shop").orElseThrow().snapshot().lsn())
        .isEqualTo(f.lsnAt(0.9));
    assertThat(RetentionFixture.expiredFindings(store)).isEmpty();
    assertThat(RetentionFixture.verifyErrors(store)).isEmpty();
    assertThat(RetentionFixture.keys(store)).noneMatch(k -> k.contains("/leases/"));
  }

  private static Void restoreUntil(
      RetentionFixture f,
      Future<?> snapshots,
      ConcurrentLinkedQueue<String> failures,
      AtomicInteger restores) {
    RestoreTarget latest = new RestoreTarget.Latest();
    Map<String, Map<Object, Map<String, Object>>> expected = f.expected(latest);
    do {
      Restorer restorer = new Restorer(f.store(), 1);
      try (ReaderLease lease = restorer.lease("shop", "restore")) {
        var rows = f.restore(f.store(), latest);
        if (!rows.equals(expected)) {
          failures.add("restore " + restores.get() + " differs from the model");
        }
      } catch (Exception e) {
        failures.add("restore " + restores.get() + " failed: " + e);
      }
      restores.incrementAndGet();
    } while (!snapshots.isDone() || restores.get() < 4);
    return null;
  }
}
