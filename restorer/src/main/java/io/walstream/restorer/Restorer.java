package io.walstream.restorer;

import io.walstream.archive.format.Retention;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.archive.retention.Leases;
import io.walstream.archive.retention.ReaderLease;
import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.apply.Progress;
import io.walstream.restorer.apply.TransactionMerger;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.plan.RestorePlanner;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.plan.TargetNotRestorableException;
import io.walstream.restorer.sink.Sink;
import io.walstream.restorer.snapshot.SnapshotLoader;
import io.walstream.restorer.verify.Anchoring;
import io.walstream.restorer.verify.VerifiedArchive;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Plan, then verify and apply: restores one database from an archive into a sink. */
public final class Restorer {
  /** What a restore did. */
  public record Result(
      RestorePlan plan,
      TransactionMerger.Outcome outcome,
      Map<String, Long> rowsPerTable,
      Duration duration) {}

  /** Segments fetched ahead in parallel by default. */
  public static final int DEFAULT_PARALLELISM = 4;

  private final ArchiveReader reader;
  private final VerifiedArchive archive;
  private final int parallelism;
  private final SnapshotUse snapshotUse;

  public Restorer(ObjectStore store) {
    this(store, DEFAULT_PARALLELISM);
  }

  /** A restorer fetching and verifying up to {@code parallelism} segments ahead at once. */
  public Restorer(ObjectStore store, int parallelism) {
    this(new ArchiveReader(store), parallelism, SnapshotUse.LATEST);
  }

  /**
   * A restorer reading through {@code reader}, whose keys decrypt encrypted segments, fetching and
   * verifying up to {@code parallelism} segments ahead at once.
   */
  public Restorer(ArchiveReader reader, int parallelism) {
    this(reader, parallelism, SnapshotUse.LATEST);
  }

  private Restorer(ArchiveReader reader, int parallelism, SnapshotUse snapshotUse) {
    this.reader = reader;
    this.archive = new VerifiedArchive(reader);
    this.parallelism = parallelism;
    this.snapshotUse = snapshotUse;
  }

  /**
   * The plan for restoring {@code database} to {@code target}; reads manifests only.
   *
   * @throws io.walstream.restorer.plan.TargetNotRestorableException when the target is outside the
   *     window, or past a recorded gap under {@link GapPolicy#REFUSE}
   */
  public RestorePlan plan(String database, RestoreTarget target, GapPolicy gaps) {
    return plan(database, target, gaps, new Anchoring.Skipped("no manifests topic given"));
  }

  /**
   * As {@link #plan(String, RestoreTarget, GapPolicy)}, after checking the archive against the
   * anchors (before the chains are read: the archive may be ahead of its anchors, never behind).
   *
   * @throws io.walstream.archive.error.IntegrityException when a published manifest of the database
   *     is missing from the archive or differs from it
   */
  public RestorePlan plan(
      String database, RestoreTarget target, GapPolicy gaps, Anchoring anchoring) {
    String anchorCheck = anchoring.check(reader, database);
    Retention retention = reader.retention(database).orElse(null);
    RestorePlan plan =
        RestorePlanner.plan(database, archive.chains(database, retention), target, gaps, retention)
            .withAnchorCheck(anchorCheck);
    if (snapshotUse == SnapshotUse.IGNORE) {
      if (retention != null) {
        throw new TargetNotRestorableException(
            "Cannot replay database "
                + database
                + " from seq 0: retention ("
                + retention.key()
                + ") expired its history before snapshot "
                + retention.snapshot().key()
                + "; restore from the snapshots instead (without --no-snapshot)");
      }
      return plan;
    }
    Optional<StoredSnapshot> base =
        new Snapshots(reader).latest(database, s -> usable(s, target, gaps));
    if (base.isEmpty() && retention != null) {
      throw new TargetNotRestorableException(
          "Cannot restore database "
              + database
              + " to "
              + target.describe()
              + ": its oldest retained restore point, snapshot "
              + retention.snapshot().key()
              + ", crossed recorded gaps; accept them (--accept-gaps) to restore from it");
    }
    return base.map(plan::from).orElse(plan);
  }

  /**
   * Whether a restore to {@code target} may start from {@code snapshot}: every transaction in it is
   * one the target takes, and it crossed no gap unless gaps are accepted.
   */
  private static boolean usable(Snapshot snapshot, RestoreTarget target, GapPolicy gaps) {
    return target.admits(snapshot.lsn(), snapshot.maxCommitTime())
        && (gaps == GapPolicy.ACCEPT || snapshot.gaps().isEmpty());
  }

  /**
   * A lease on {@code database} for {@code purpose}, to hold from before {@link #plan} until the
   * restore is done: retention deletes nothing the restore may read while it is held (or, when the
   * archive refuses to store it, a warning says so). See {@link Leases}.
   */
  public ReaderLease lease(String database, String purpose) {
    String holder = purpose + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    return new Leases(reader.store()).acquireOrWarn(database, holder, purpose);
  }

  /** Whether restores start from the latest usable snapshot, or replay from seq 0. */
  public enum SnapshotUse {
    LATEST,
    IGNORE
  }

  /** This restorer, starting restores from snapshots as {@code use} says. */
  public Restorer using(SnapshotUse use) {
    return new Restorer(reader, parallelism, use);
  }

  /**
   * Restores {@code database} to {@code target} into {@code sink}, refusing targets past a gap; on
   * any failure the sink is aborted, leaving its target untouched.
   */
  public Result restore(String database, RestoreTarget target, Sink sink) {
    return restore(database, target, GapPolicy.REFUSE, sink, Progress.NONE);
  }

  /**
   * As {@link #restore(String, RestoreTarget, Sink)} under the given gap policy, reporting progress
   * per verified segment.
   */
  public Result restore(
      String database, RestoreTarget target, GapPolicy gaps, Sink sink, Progress progress) {
    return restore(
        database, target, gaps, new Anchoring.Skipped("no manifests topic given"), sink, progress);
  }

  /**
   * As {@link #restore(String, RestoreTarget, GapPolicy, Sink, Progress)}, checking the archive
   * against {@code anchoring} first.
   */
  public Result restore(
      String database,
      RestoreTarget target,
      GapPolicy gaps,
      Anchoring anchoring,
      Sink sink,
      Progress progress) {
    RestorePlan plan;
    try {
      plan = plan(database, target, gaps, anchoring);
    } catch (RuntimeException e) {
      sink.abort();
      throw e;
    }
    return restore(plan, sink, progress);
  }

  /**
   * Carries out {@code plan} (from {@link #plan}) into {@code sink}; on any failure the sink is
   * aborted, leaving its target untouched.
   */
  public Result restore(RestorePlan plan, Sink sink, Progress progress) {
    long start = System.nanoTime();
    try {
      OptionalLong after = sink.resume(plan.database(), plan.resumeKey());
      Long resumedAfter = after.isPresent() ? after.getAsLong() : null;
      Long skipTo = resumedAfter;
      StoredSnapshot base = plan.snapshot();
      if (base != null) {
        long lsn = base.snapshot().lsn();
        if (resumedAfter == null || resumedAfter < lsn) {
          new SnapshotLoader(new Snapshots(reader)).load(base, sink);
        }
        skipTo = resumedAfter == null ? lsn : Math.max(resumedAfter, lsn);
      }
      TransactionMerger.Outcome merged =
          new TransactionMerger(archive, parallelism).merge(plan, sink::apply, progress, skipTo);
      TransactionMerger.Outcome outcome = Outcomes.afterSnapshot(merged, base, resumedAfter);
      Map<String, Long> rows = sink.rowCounts();
      sink.commit();
      return new Result(plan, outcome, rows, Duration.ofNanos(System.nanoTime() - start));
    } catch (RuntimeException e) {
      sink.abort();
      throw e;
    }
  }
}
