package io.walstream.restorer;

import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.apply.Progress;
import io.walstream.restorer.apply.TransactionMerger;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.plan.RestorePlanner;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.Sink;
import io.walstream.restorer.verify.Anchoring;
import io.walstream.restorer.verify.VerifiedArchive;
import java.time.Duration;
import java.util.Map;

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

  public Restorer(ObjectStore store) {
    this(store, DEFAULT_PARALLELISM);
  }

  /** A restorer fetching and verifying up to {@code parallelism} segments ahead at once. */
  public Restorer(ObjectStore store, int parallelism) {
    this.reader = new ArchiveReader(store);
    this.archive = new VerifiedArchive(reader);
    this.parallelism = parallelism;
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
    return RestorePlanner.plan(database, archive.chains(database), target, gaps)
        .withAnchorCheck(anchorCheck);
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
      java.util.OptionalLong after = sink.resume(plan.database(), plan.target().describe());
      TransactionMerger.Outcome outcome =
          new TransactionMerger(archive, parallelism)
              .merge(plan, sink::apply, progress, after.isPresent() ? after.getAsLong() : null);
      Map<String, Long> rows = sink.rowCounts();
      sink.commit();
      return new Result(plan, outcome, rows, Duration.ofNanos(System.nanoTime() - start));
    } catch (RuntimeException e) {
      sink.abort();
      throw e;
    }
  }
}
