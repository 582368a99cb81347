package io.walstream.restorer.service;

import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.retention.ReaderLease;
import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.Outcomes;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.plan.RestoreWindow;
import io.walstream.restorer.sink.PostgresSink;
import io.walstream.restorer.sink.Sink;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import io.walstream.restorer.verify.Anchoring;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.serde.WalstreamSerdes;
import io.walstream.schemas.value.Values;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one accepted job and publishes its transitions: PLANNED with the plan summary, RUNNING with
 * progress at most once per interval, then SUCCEEDED, FAILED (error class and message) or
 * CANCELLED. A cancel or a stop takes effect at the next transaction boundary, and the sink's
 * output is atomic, so an interrupted job leaves nothing half-written.
 */
final class RestoreJob implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreJob.class);
  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

  /** Why a job stopped before its end. */
  enum Stop {
    CANCEL,
    SHUTDOWN
  }

  /** Thrown inside the apply loop to unwind a stopped job. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super("job stopped", null, false, false);
    }
  }

  private final JobSpec spec;
  private final int attempt;
  private final ObjectStore store;
  private final StatusPublisher publisher;
  private final ServiceMetrics metrics;
  private final long progressIntervalMs;
  private final Clock clock;
  private final byte[] commandBytes;
  private final String fingerprint;
  private final Supplier<Anchoring> anchoring;
  private final Maintenance maintenance;
  private final JobContext context;
  private volatile FollowRun following;
  private volatile Stop stop;

  RestoreJob(JobSpec spec, int attempt, JobContext context) {
    this.spec = spec;
    this.attempt = attempt;
    this.store = context.store();
    this.publisher = context.publisher();
    this.metrics = context.metrics();
    this.progressIntervalMs = context.progressIntervalMs();
    this.clock = context.clock();
    this.commandBytes = WalstreamSerdes.restoreCommand().codec().encode(spec.command());
    this.fingerprint = CommandFingerprint.of(spec.command());
    this.anchoring = context.anchoring();
    this.maintenance = context.maintenance();
    this.context = context;
  }

  String commandId() {
    return spec.commandId();
  }

  /** Publishes that the job is accepted (carrying its command), with an optional message. */
  void accepted(String message) {
    publish(status(JobState.ACCEPTED, null).setMessage(message));
  }

  /** Asks the job to stop at its next transaction boundary (or before it starts). */
  void stop(Stop why) {
    if (stop == null) {
      stop = why;
    }
    FollowRun run = following;
    if (run != null) {
      run.stop();
    }
  }

  @Override
  public void run() {
    Instant started = clock.instant();
    metrics.started();
    try {
      checkStop();
      if (spec.command().getType() == CommandType.VERIFY) {
        verify(started);
      } else if (spec.command().getType() == CommandType.SNAPSHOT) {
        snapshot(started);
      } else if (spec.command().getFollow()) {
        follow(started);
      } else {
        restore(started);
      }
    } catch (Stopped e) {
      stopped(started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped(started);
    } catch (RuntimeException e) {
      LOG.warn("Job {} failed: {}", commandId(), e.toString());
      publish(
          status(JobState.FAILED, started)
              .setErrorClass(e.getClass().getSimpleName())
              .setErrorKind(WalstreamException.kindOf(e))
              .setErrorMessage(String.valueOf(e.getMessage()))
              .setFinishedAt(now()));
    } finally {
      metrics.finished(Duration.between(started, clock.instant()));
    }
  }

  private void stopped(Instant started) {
    FollowRun run = following;
    if (stop == Stop.CANCEL) {
      publish(
          status(JobState.CANCELLED, started)
              .setErrorKind(ErrorKind.CANCELLED)
              .setRecoveredLsn(run == null ? null : run.lsn())
              .setMessage(
                  run == null || run.lsn() == null
                      ? "cancelled; nothing was written"
                      : "follow stopped; the target holds every transaction up to lsn " + run.lsn())
              .setFinishedAt(now()));
    } else {
      // Not terminal: the next service instance to own the command re-runs it from the start.
      publish(
          status(JobState.ACCEPTED, started)
              .setMessage(
                  run == null
                      ? "interrupted by a service shutdown; it will be re-run from the beginning"
                      : "interrupted by a service shutdown; it will resume from the position the"
                          + " target holds"));
    }
  }

  /** A follow job: runs until stopped, then ends as a stop ends any job. */
  private void follow(Instant started) throws InterruptedException {
    FollowRun run = new FollowRun(spec, context, state -> status(state, started), this::publish);
    following = run;
    checkStop();
    run.run();
    // The loop returns only when stopped.
    throw new Stopped();
  }

  private void restore(Instant started) {
    Restorer restorer =
        new Restorer(context.reader(), spec.parallelism())
            .using(
                // A topic gets the change records themselves, never a snapshot's rows.
                spec.output() instanceof JobSpec.Output.Topic
                    ? Restorer.SnapshotUse.IGNORE
                    : Restorer.SnapshotUse.LATEST);
    // Held from before the plan to the end: retention deletes nothing this restore may read.
    try (ReaderLease lease =
        restorer.lease(spec.command().getDatabase(), io.walstream.archive.format.Lease.RESTORE)) {
      restore(restorer, started);
    }
  }

  private void restore(Restorer restorer, Instant started) {
    RestorePlan plan =
        restorer.plan(
            spec.command().getDatabase(),
            spec.target(),
            spec.command().getAcceptGaps() ? GapPolicy.ACCEPT : GapPolicy.REFUSE,
            anchoring.get());
    publish(planned(plan, status(JobState.PLANNED, started)));
    if (spec.command().getDryRun()) {
      publish(
          planned(plan, status(JobState.SUCCEEDED, started))
              .setMessage("dry run: planned, nothing written")
              .setFinishedAt(now()));
      return;
    }
    checkStop();
    publish(planned(plan, status(JobState.RUNNING, started)).setPercent(0.0));
    Tracker tracker = new Tracker(plan, started);
    Restorer.Result result = restorer.restore(plan, new JobSink(open(), tracker), tracker);
    long rows = result.rowsPerTable().values().stream().mapToLong(Long::longValue).sum();
    var outcome = result.outcome();
    publish(
        planned(plan, status(JobState.SUCCEEDED, started))
            .setSegmentsDone(tracker.segments.get())
            .setBytesDone(tracker.bytes.get())
            .setRecordsDone(outcome.records())
            .setPercent(100.0)
            .setRecoveredLsn(outcome.lastLsn())
            .setRecoveredTime(
                outcome.lastCommitMicros() == null
                    ? null
                    : Values.fromMicros(outcome.lastCommitMicros()))
            .setRows(rows)
            .setRowsPerTable(result.rowsPerTable())
            .setDurationMs(Duration.between(started, clock.instant()).toMillis())
            .setIncompleteTransactions(outcome.incomplete().transactions())
            .setIncompleteLsns(outcome.incomplete().lsns())
            .setMessage(Outcomes.leftOut(outcome, plan))
            .setFinishedAt(now()));
  }

  /**
   * A SNAPSHOT job: builds and commits the snapshot under the database's maintenance lock, and says
   * what it made (SUCCEEDED with the snapshot's lsn, time and rows) or why not.
   */
  private void snapshot(Instant started) {
    publish(status(JobState.RUNNING, started));
    SnapshotBuilder.Result result =
        maintenance.snapshot(
            spec.command().getDatabase(),
            spec.target(),
            spec.command().getAcceptGaps() ? GapPolicy.ACCEPT : GapPolicy.REFUSE);
    publish(
        SnapshotStatus.of(result, status(JobState.SUCCEEDED, started))
            .setDurationMs(Duration.between(started, clock.instant()).toMillis())
            .setFinishedAt(now()));
  }

  private void verify(Instant started) {
    publish(status(JobState.RUNNING, started));
    publish(
        VerifyRun.report(
                store,
                context.reader(),
                spec.command().getDatabase(),
                anchoring.get(),
                state -> status(state, started))
            .setDurationMs(Duration.between(started, clock.instant()).toMillis())
            .setFinishedAt(now()));
  }

  private Sink open() {
    if (spec.output() instanceof JobSpec.Output.SqliteFile file) {
      return SqliteSink.open(file.path(), file.replaceExisting());
    }
    if (spec.output() instanceof JobSpec.Output.Topic topic) {
      return io.walstream.restorer.sink.KafkaTopicSink.open(
          context.kafkaClients(), TOPIC_TIMEOUT, topic.topic(), spec.command().getDatabase());
    }
    JobSpec.Output.Jdbc jdbc = (JobSpec.Output.Jdbc) spec.output();
    return PostgresSink.open(jdbc.url(), jdbc.schema(), jdbc.replaceExisting());
  }

  private RestoreStatus.Builder status(JobState state, Instant started) {
    return publisher
        .status(commandId(), state)
        .setDatabase(spec.command().getDatabase())
        .setCommandFingerprint(fingerprint)
        // Every unfinished status carries the command: the table keeps only the latest status,
        // and a restarted service re-runs the job from it.
        .setCommand(JobTable.terminal(state) ? null : ByteBuffer.wrap(commandBytes))
        .setAttempt(attempt)
        .setStartedAt(
            started == null ? null : started.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  private static RestoreStatus.Builder planned(RestorePlan plan, RestoreStatus.Builder status) {
    RestoreWindow window =
        RestoreWindow.spanning(
            plan.streams().stream()
                .flatMap(stream -> stream.manifests().stream())
                .map(StoredManifest::manifest)
                .toList());
    Long firstTime = window.earliestCommitMicros();
    Long lastTime = window.latestCommitMicros();
    return status
        .setAnchorCheck(plan.anchorCheck())
        .setGapsCrossed(
            plan.gapsCrossed().isEmpty()
                ? null
                : plan.gapsCrossed().stream().map(Object::toString).toList())
        .setPlanSnapshotKey(plan.snapshot() == null ? null : plan.snapshot().key())
        .setPlanSnapshotLsn(plan.snapshot() == null ? null : plan.snapshot().snapshot().lsn())
        .setPlanSegments(plan.segments())
        .setPlanBytes(plan.bytes())
        .setPlanFirstLsn(window.earliestLsn())
        .setPlanLastLsn(window.latestLsn())
        .setPlanFirstTime(firstTime == null ? null : Values.fromMicros(firstTime))
        .setPlanLastTime(lastTime == null ? null : Values.fromMicros(lastTime));
  }

  private void publish(RestoreStatus.Builder status) {
    RestoreStatus built = status.build();
    metrics.state(built.getState());
    publisher.publish(built);
  }

  private Instant now() {
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  private void checkStop() {
    if (stop != null) {
      throw new Stopped();
    }
  }

  /** Counts progress and publishes it at most once per interval. */
  private final class Tracker implements io.walstream.restorer.apply.Progress {
    private final RestorePlan plan;
    private final Instant started;
    private final AtomicLong segments = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private long lastPublished = System.nanoTime();

    Tracker(RestorePlan plan, Instant started) {
      this.plan = plan;
      this.started = started;
    }

    @Override
    public void segmentDone(
        long segmentsDone, long segmentsTotal, long bytesDone, long bytesTotal) {
      segments.set(segmentsDone);
      bytes.set(bytesDone);
    }

    /** Before each transaction: the batch boundary where a cancel or a stop takes effect. */
    void before() {
      checkStop();
    }

    void applied(int n) {
      records.addAndGet(n);
      metrics.recordsApplied(n);
      long now = System.nanoTime();
      if (now - lastPublished >= progressIntervalMs * 1_000_000L) {
        lastPublished = now;
        long total = plan.bytes();
        publish(
            planned(plan, status(JobState.RUNNING, started))
                .setSegmentsDone(segments.get())
                .setBytesDone(bytes.get())
                .setRecordsDone(records.get())
                .setPercent(total == 0 ? 100.0 : 100.0 * bytes.get() / total));
      }
    }
  }

  /** The real sink, checking for a stop and counting progress at every transaction. */
  private static final class JobSink extends io.walstream.restorer.sink.ForwardingSink {
    private final Tracker tracker;

    JobSink(Sink sink, Tracker tracker) {
      super(sink);
      this.tracker = tracker;
    }

    @Override
    public void apply(
        List<io.walstream.schemas.avro.ChangeRecord> transaction,
        io.walstream.restorer.sink.TransactionPosition position) {
      tracker.before();
      super.apply(transaction, position);
      tracker.applied(transaction.size());
    }

    @Override
    public void load(List<io.walstream.schemas.avro.ChangeRecord> rows) {
      tracker.before();
      super.load(rows);
    }
  }
}
