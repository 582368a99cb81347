package io.walstream.restorer.follow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.archive.error.IntegrityException;
import io.walstream.schemas.error.WalstreamException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a follower's rounds every poll interval until stopped, and never stalls silently: a round
 * that fails (a segment missing or unreadable, storage down) is retried with backoff (doubling up
 * to 30 s), each failure logged naming what failed, and after {@value #STALL_AFTER} failures in a
 * row the follower is reported stalled ({@code walstream_follow_stalled} 1, {@code /health} 503)
 * until a round succeeds. A refusal (the archive diverged or rolled back) stops it.
 *
 * <p>Metrics: {@code walstream_follow_lag_seconds} (0 right after a round that applied everything
 * complete, also when the source is idle; otherwise the time since the last such round), {@code
 * walstream_follow_last_poll_age_seconds}, {@code walstream_follow_stalled}, {@code
 * walstream_follow_transactions_applied_total}, {@code walstream_follow_records_applied_total},
 * {@code walstream_follow_lsn}.
 */
public final class FollowLoop {
  private static final Logger LOG = LoggerFactory.getLogger(FollowLoop.class);

  /** Failed rounds in a row after which the follower reports itself stalled. */
  public static final int STALL_AFTER = 3;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final FollowRounds follower;
  private final Duration poll;
  private final Clock clock;
  private final PrometheusMeterRegistry registry;
  private final java.util.concurrent.BlockingQueue<Boolean> signals =
      new java.util.concurrent.LinkedBlockingQueue<>();
  private volatile boolean stopping;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong lastCaughtUp = new AtomicLong();
  private final AtomicLong lastPoll = new AtomicLong();
  private final AtomicLong stalled = new AtomicLong();
  private final AtomicLong lsn = new AtomicLong(-1);
  private final AtomicLong behindSegments = new AtomicLong();
  private final AtomicLong behindRecords = new AtomicLong();
  private final AtomicLong behindBytes = new AtomicLong();
  private final AtomicLong behindTransactions = new AtomicLong();
  private final Counter transactions;
  private final Counter records;
  private final Counter incomplete;
  private volatile int failures;
  private volatile String lastFailure;
  private Runnable afterRound = () -> {};

  public FollowLoop(
      FollowRounds follower, Duration poll, Clock clock, PrometheusMeterRegistry registry) {
    this.follower = follower;
    this.poll = poll;
    this.clock = clock;
    this.registry = registry;
    long now = clock.millis();
    lastCaughtUp.set(now);
    lastPoll.set(now);
    registry.gauge("walstream.follow.lag.seconds", this, FollowLoop::lagSeconds);
    registry.gauge(
        "walstream.follow.last.poll.age.seconds",
        lastPoll,
        t -> (clock.millis() - t.get()) / 1000.0);
    registry.gauge("walstream.follow.stalled", stalled);
    registry.gauge("walstream.follow.lsn", lsn);
    registry.gauge("walstream.follow.behind.segments", behindSegments);
    registry.gauge("walstream.follow.behind.records", behindRecords);
    registry.gauge("walstream.follow.behind.bytes", behindBytes);
    registry.gauge("walstream.follow.behind.transactions", behindTransactions);
    this.transactions = registry.counter("walstream.follow.transactions.applied");
    this.records = registry.counter("walstream.follow.records.applied");
    this.incomplete = registry.counter("walstream.follow.incomplete.transactions");
  }

  /** Seconds behind: 0 right after a round that applied everything complete. */
  public double lagSeconds() {
    return (clock.millis() - lastCaughtUp.get()) / 1000.0;
  }

  public boolean stalled() {
    return stalled.get() == 1;
  }

  /**
   * Runs rounds until {@link #stop} (the round in hand is finished and committed first).
   *
   * @throws ResumeCheck.Refused when the archive diverged or rolled back under the follower
   */
  public void run() throws InterruptedException {
    try {
      Duration wait = poll;
      while (!stopping) {
        long started = System.nanoTime();
        boolean succeeded = once();
        wait = succeeded ? poll : backoff(wait);
        afterRound.run();
        // Polls start every interval, not an interval after a round ended: a round that took
        // half the interval is followed by a wait of the other half (measured in Bench follow).
        long left = succeeded ? wait.toNanos() - (System.nanoTime() - started) : wait.toNanos();
        // Woken early by a new manifest on the topic, or by stop().
        signals.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
        signals.clear();
      }
    } finally {
      stopped.countDown();
    }
  }

  /** One round; whether it succeeded. */
  boolean once() {
    Instant started = clock.instant();
    try {
      Follower.Round round = follower.round();
      transactions.increment(round.transactions());
      records.increment(round.records());
      incomplete.increment(round.incomplete());
      lsn.set(round.lsn());
      lastPoll.set(started.toEpochMilli());
      if (round.caughtUp()) {
        lastCaughtUp.set(started.toEpochMilli());
        behind(Follower.Behind.NONE);
      }
      if (failures > 0) {
        LOG.info("Following again after {} failed rounds", failures);
      }
      failures = 0;
      lastFailure = null;
      stalled.set(0);
      return true;
    } catch (ResumeCheck.Refused e) {
      throw e;
    } catch (WalstreamException e) {
      failures++;
      lastFailure = e.getMessage();
      String key = e instanceof IntegrityException i ? i.key() : null;
      LOG.warn(
          "Follow round {} failed ({}): {}",
          failures,
          key == null ? "no key" : key,
          e.getMessage());
      measureBehind();
      if (failures >= STALL_AFTER && stalled.getAndSet(1) == 0) {
        LOG.error(
            "Follower stalled: {} rounds in a row failed, the last on {}; retrying", failures, key);
      }
      return false;
    }
  }

  /** What the archive holds that a failed round did not apply, when the manifests still read. */
  private void measureBehind() {
    try {
      behind(follower.behind());
    } catch (WalstreamException e) {
      LOG.warn("Cannot tell how far behind the follower is: {}", e.getMessage());
    }
  }

  private void behind(Follower.Behind b) {
    behindSegments.set(b.segments());
    behindRecords.set(b.records());
    behindBytes.set(b.bytes());
    behindTransactions.set(b.transactions());
  }

  /** What the follower has not applied yet, as last measured. */
  public Follower.Behind lastBehind() {
    return new Follower.Behind(
        behindSegments.get(), behindRecords.get(), behindBytes.get(), behindTransactions.get());
  }

  private static Duration backoff(Duration last) {
    Duration next = last.multipliedBy(2);
    return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
  }

  /** Makes the loop poll now instead of at the end of its interval. */
  public void wake() {
    signals.offer(Boolean.TRUE);
  }

  /** Asks the loop to stop after the round in hand, and waits for it. */
  public void stop() throws InterruptedException {
    requestStop();
    stopped.await(60, TimeUnit.SECONDS);
  }

  /** Asks the loop to stop after the round in hand, without waiting. */
  public void requestStop() {
    stopping = true;
    signals.offer(Boolean.TRUE);
  }

  /** Runs {@code action} after every round, succeeded or failed, in the loop's thread. */
  public void afterRound(Runnable action) {
    this.afterRound = action;
  }

  /** Why the last round failed, or null when it succeeded. */
  public String lastFailure() {
    return lastFailure;
  }

  /** Transactions applied since the loop started. */
  public long transactionsApplied() {
    return (long) transactions.count();
  }

  /** The metrics in Prometheus' text format. */
  public String scrape() {
    return registry.scrape();
  }
}
