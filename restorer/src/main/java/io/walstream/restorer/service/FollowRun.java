package io.walstream.restorer.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.follow.FollowLoop;
import io.walstream.restorer.follow.FollowTarget;
import io.walstream.restorer.follow.Follower;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A follow job's work: restore the target (or decide how to go on from the one there, by the four
 * outcomes of {@link Follower#start}), then follow until stopped, publishing RUNNING with the lag,
 * the stalled flag and the position at most once per progress interval. A stop takes effect after
 * the round in hand, which is committed: the target holds every transaction up to its position.
 */
final class FollowRun {
  private final JobSpec spec;
  private final ObjectStore store;
  private final io.walstream.archive.read.ArchiveReader reader;
  private final Clock clock;
  private final long pollMs;
  private final long progressIntervalMs;
  private final Function<JobState, RestoreStatus.Builder> status;
  private final Consumer<RestoreStatus.Builder> publish;
  private volatile boolean stopping;
  private volatile FollowLoop loop;
  private volatile Follower follower;
  private long lastPublished;

  FollowRun(
      JobSpec spec,
      JobContext context,
      Function<JobState, RestoreStatus.Builder> status,
      Consumer<RestoreStatus.Builder> publish) {
    this.spec = spec;
    this.store = context.store();
    this.reader = context.reader();
    this.clock = context.clock();
    this.pollMs = context.followPollMs();
    this.progressIntervalMs = context.progressIntervalMs();
    this.status = status;
    this.publish = publish;
  }

  /** Follows until {@link #stop}; a refusal (diverged, rolled back) or a bad target is thrown. */
  void run() throws InterruptedException {
    try (Follower f =
        new Follower(
            reader,
            spec.command().getDatabase(),
            target(),
            spec.command().getAcceptGaps() ? GapPolicy.ACCEPT : GapPolicy.REFUSE,
            replaceExisting() ? Follower.Reseed.ALLOW : Follower.Reseed.REFUSE)) {
      follower = f;
      Follower.Start start = f.start();
      publish.accept(
          status
              .apply(JobState.RUNNING)
              .setRecoveredLsn(f.position().lsn())
              .setFollowLagMs(0L)
              .setFollowStalled(false)
              .setMessage("following: " + start.name().toLowerCase(java.util.Locale.ROOT)));
      lastPublished = System.nanoTime();
      FollowLoop l =
          new FollowLoop(
              f,
              Duration.ofMillis(pollMs),
              clock,
              new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      l.afterRound(this::progress);
      loop = l;
      if (!stopping) {
        l.run();
      }
    }
  }

  /** The position reached, or null before the first restore finished. */
  Long lsn() {
    Follower f = follower;
    return f == null || f.position() == null ? null : f.position().lsn();
  }

  /** Asks the follower to stop after the round in hand. */
  void stop() {
    stopping = true;
    FollowLoop l = loop;
    if (l != null) {
      l.requestStop();
    }
  }

  private void progress() {
    long now = System.nanoTime();
    FollowLoop l = loop;
    if (l == null || now - lastPublished < progressIntervalMs * 1_000_000L) {
      return;
    }
    lastPublished = now;
    String failure = l.lastFailure();
    publish.accept(
        status
            .apply(JobState.RUNNING)
            .setRecoveredLsn(lsn())
            .setRecordsDone(l.transactionsApplied())
            .setFollowLagMs(Math.round(l.lagSeconds() * 1000))
            .setFollowStalled(l.stalled())
            .setMessage(failure == null ? "following" : "retrying: " + failure));
  }

  private FollowTarget target() {
    if (spec.output() instanceof JobSpec.Output.SqliteFile file) {
      return new FollowTarget.SqliteFile(file.path());
    }
    JobSpec.Output.Jdbc jdbc = (JobSpec.Output.Jdbc) spec.output();
    return new FollowTarget.PostgresSchema(jdbc.url(), jdbc.schema());
  }

  /**
   * Whether a diverged or rolled-back target may be restored afresh (command and service agree).
   */
  private boolean replaceExisting() {
    return spec.output() instanceof JobSpec.Output.SqliteFile file
        ? file.replaceExisting()
        : ((JobSpec.Output.Jdbc) spec.output()).replaceExisting();
  }
}
