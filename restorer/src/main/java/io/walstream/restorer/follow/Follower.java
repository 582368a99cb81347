package io.walstream.restorer.follow;

import io.walstream.archive.format.Retention;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.retention.ReaderLease;
import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.apply.Progress;
import io.walstream.restorer.apply.TransactionMerger;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.plan.RestorePlanner;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.plan.StreamChain;
import io.walstream.restorer.verify.VerifiedArchive;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.value.Values;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a SQLite file or a PostgreSQL schema a live copy of a database from the archive alone
 * (DESIGN invariant 9): the first start restores it (from the latest snapshot, atomically as any
 * restore); every {@link #round} then applies the complete transactions archived since, each
 * round's rows committed together with the position they reach ({@link FollowSink}). Every check of
 * a restore applies to every new segment. On start with an existing file the saved position decides
 * one of four outcomes ({@link ResumeCheck}): continue, reseed (when retention removed what comes
 * next), diverged or ahead (refused unless reseeding is allowed).
 */
public final class Follower implements FollowRounds, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Follower.class);

  /** Transactions applied between two commits at most, in records (as a restore's batches). */
  static final int CHECKPOINT_RECORDS = 50_000;

  /** Whether a diverged or rolled-back archive may be followed afresh. */
  public enum Reseed {
    REFUSE,
    ALLOW
  }

  /** How a start went. */
  public enum Start {
    RESTORED,
    CONTINUED,
    RESEEDED
  }

  /**
   * What one round did: transactions and records applied, the position reached, whether nothing
   * complete is left, and the incomplete transactions it left out (never applied, as a restore
   * leaves them out).
   */
  public record Round(
      long transactions, long records, long lsn, boolean caughtUp, long incomplete) {}

  /**
   * How far the archive's head is beyond the position: the segments after the manifests applied
   * wholly, their records and stored bytes (the newest may hold a transaction not complete yet),
   * and the transactions that end in those of them that can be read (a missing or damaged segment
   * counts in segments, records and bytes, from its manifest, but its transactions are unknown).
   */
  public record Behind(long segments, long records, long bytes, long transactions) {
    /** Nothing behind. */
    public static final Behind NONE = new Behind(0, 0, 0, 0);
  }

  private final ObjectStore store;
  private final ArchiveReader reader;
  private final VerifiedArchive archive;
  private final String database;
  private final FollowTarget target;
  private final GapPolicy gaps;
  private final Reseed reseed;
  private final int parallelism;
  private FollowSink sink;
  private FollowPosition position;
  private ReaderLease lease;
  private String leaseRecord;
  private java.util.function.Supplier<java.util.Collection<io.walstream.archive.verify.Anchor>>
      anchors = java.util.List::of;

  public Follower(
      ObjectStore store, String database, FollowTarget target, GapPolicy gaps, Reseed reseed) {
    this(new ArchiveReader(store), database, target, gaps, reseed);
  }

  /** A follower reading through {@code reader}, whose keys decrypt encrypted segments. */
  public Follower(
      ArchiveReader reader, String database, FollowTarget target, GapPolicy gaps, Reseed reseed) {
    this.store = reader.store();
    this.reader = reader;
    this.archive = new VerifiedArchive(reader);
    this.database = database;
    this.target = target;
    this.gaps = gaps;
    this.reseed = reseed;
    this.parallelism = Restorer.DEFAULT_PARALLELISM;
  }

  /**
   * Checks the archive against {@code published} (the manifests topic's newest manifest per stream)
   * every round: an archive behind or differing from it stops the follower.
   */
  public void checkAgainst(
      java.util.function.Supplier<java.util.Collection<io.walstream.archive.verify.Anchor>>
          published) {
    this.anchors = published;
  }

  /** Where the follower is: the last transaction in the file. */
  public FollowPosition position() {
    return position;
  }

  /**
   * Restores the file when there is none, or decides how to go on from the one there.
   *
   * @throws io.walstream.archive.error.IntegrityException when the archive diverged from the file
   *     or is behind it, and reseeding is refused
   */
  public Start start() {
    try {
      return startOrThrow();
    } catch (RuntimeException e) {
      // A refused start leaves the target as it was and holds nothing (no lock, no lease).
      close();
      throw e;
    }
  }

  private Start startOrThrow() {
    renewLease();
    if (!target.exists()) {
      restoreAfresh();
      return Start.RESTORED;
    }
    sink = target.open();
    position = sink.position().orElse(null);
    if (position == null) {
      if (!sink.restored()) {
        sink.abort();
        sink = null;
        // Never replace what walstream did not write: it may be the only copy of something.
        throw new io.walstream.schemas.error.WalstreamException(
            "Cannot follow into "
                + target.describe()
                + ": it exists and no walstream restore wrote it (it has no _walstream_restore"
                + " table); follow into a new target or remove this one");
      }
      LOG.info(
          "{} holds no follow position (a restore was interrupted): restoring it afresh",
          target.describe());
      return reseedNow();
    }
    Retention retention = reader.retention(database).orElse(null);
    ResumeCheck.Verdict verdict =
        ResumeCheck.of(position, archive.chains(database, retention), retention);
    LOG.info(
        "Following {} into {}: {} ({})",
        database,
        target.describe(),
        verdict.outcome(),
        verdict.detail());
    switch (verdict.outcome()) {
      case CONTINUE:
        return Start.CONTINUED;
      case RESEED:
        return reseedNow();
      default:
        if (reseed == Reseed.ALLOW) {
          return reseedNow();
        }
        throw verdict.refusal(target.describe());
    }
  }

  private Start reseedNow() {
    restoreAfresh();
    return Start.RESEEDED;
  }

  /**
   * Restores the latest state into the target (atomically replacing what is there), then opens it
   * to follow.
   */
  private void restoreAfresh() {
    if (sink != null) {
      sink.abort();
      sink = null;
    }
    Restorer.Result result =
        new Restorer(reader, Restorer.DEFAULT_PARALLELISM)
            .restore(
                database, new RestoreTarget.Latest(), gaps, target.restoreSink(), Progress.NONE);
    RestorePlan plan = result.plan();
    long lsn = result.outcome().lastLsn();
    long commit = result.outcome().lastCommitMicros();
    position =
        new FollowPosition(
            database,
            lsn,
            commit,
            plan.wholePositions(
                lsn, plan.snapshot() == null ? List.of() : plan.snapshot().snapshot().streams()));
    sink = target.open();
    sink.checkpoint(position);
    LOG.info("Restored {} into {} at lsn {}; following", database, target.describe(), lsn);
  }

  /**
   * Applies every complete transaction archived after the position, committing as it goes.
   *
   * @throws io.walstream.archive.error.IntegrityException when the archive changed under the
   *     follower (diverged or rolled back) and reseeding is refused, or fails a check
   */
  @Override
  public Round round() {
    renewLease();
    Retention retention = reader.retention(database).orElse(null);
    List<StreamChain> chains = archive.chains(database, retention);
    ResumeCheck.Verdict verdict = ResumeCheck.of(position, chains, retention);
    if (verdict.outcome() != ResumeCheck.Outcome.CONTINUE) {
      if (verdict.outcome() == ResumeCheck.Outcome.RESEED || reseed == Reseed.ALLOW) {
        LOG.warn("Reseeding {}: {}", target.describe(), verdict.detail());
        reseedNow();
        return new Round(0, 0, position.lsn(), true, 0);
      }
      throw verdict.refusal(target.describe());
    }
    checkAnchors();
    RestorePlan plan = planAfterPosition(chains, retention, gaps);
    Applier applier = new Applier(plan);
    TransactionMerger.Outcome outcome =
        new TransactionMerger(archive, parallelism)
            .merge(plan, applier::apply, Progress.NONE, position.lsn());
    applier.checkpoint();
    if (outcome.incomplete().transactions() > 0) {
      LOG.warn(
          "Left out {} incomplete transactions of {} (never applied, as every restore leaves them"
              + " out): lsns {}",
          outcome.incomplete().transactions(),
          database,
          outcome.incomplete().lsns());
    }
    return new Round(
        applier.transactions,
        outcome.records(),
        position.lsn(),
        outcome.pendingRecords() == 0,
        outcome.incomplete().transactions());
  }

  private void checkAnchors() {
    io.walstream.archive.verify.AnchorCheck check =
        new io.walstream.archive.verify.AnchorCheck(reader);
    for (io.walstream.archive.verify.Anchor anchor : anchors.get()) {
      for (io.walstream.archive.verify.Finding f : check.check(anchor)) {
        if (f.isError()) {
          throw new ResumeCheck.Refused(
              f.key(),
              "Cannot go on following into "
                  + target.describe()
                  + ": "
                  + f.kind()
                  + " "
                  + f.key()
                  + ": "
                  + f.detail());
        }
      }
    }
  }

  /**
   * What the archive holds beyond the position: what a stalled follower has not applied (segments,
   * records and bytes from its manifests; transactions from the segments that can be read).
   */
  @Override
  public Behind behind() {
    Retention retention = reader.retention(database).orElse(null);
    RestorePlan plan =
        planAfterPosition(archive.chains(database, retention), retention, GapPolicy.ACCEPT);
    long records = 0;
    long transactions = 0;
    for (RestorePlan.StreamPlan stream : plan.streams()) {
      for (io.walstream.archive.format.Manifest.Segment s : stream.segments()) {
        records += s.last().lsn() <= position.lsn() ? 0 : s.recordCount();
        transactions += endingAfterPosition(s);
      }
    }
    return new Behind(plan.segments(), records, plan.bytes(), transactions);
  }

  /** Transactions that end in segment {@code s} after the position; 0 when it cannot be read. */
  private long endingAfterPosition(io.walstream.archive.format.Manifest.Segment s) {
    try {
      return new io.walstream.restorer.verify.SegmentRecords(s, archive.segment(s), reader.keys())
          .next(Integer.MAX_VALUE).stream()
              .filter(r -> r.getTxLast() && r.getLsn() > position.lsn())
              .count();
    } catch (io.walstream.schemas.error.WalstreamException e) {
      // Missing or damaged: the round's failure names it; here it only goes uncounted.
      return 0;
    }
  }

  /** The plan of everything archived after the position, under {@code policy} for gaps. */
  private RestorePlan planAfterPosition(
      List<StreamChain> chains, Retention retention, GapPolicy policy) {
    return RestorePlanner.plan(database, chains, new RestoreTarget.Latest(), policy, retention)
        .after(position.streams(), database, "the follow position of " + target.describe());
  }

  /** Applies transactions to the sink, checkpointing every {@link #CHECKPOINT_RECORDS} records. */
  private final class Applier {
    private final RestorePlan plan;
    private long transactions;
    private long sinceCheckpoint;
    private long lsn = position.lsn();
    private long commit = position.commitMicros();

    Applier(RestorePlan plan) {
      this.plan = plan;
    }

    void apply(List<ChangeRecord> tx, io.walstream.restorer.sink.TransactionPosition at) {
      sink.apply(tx, at);
      transactions++;
      sinceCheckpoint += tx.size();
      lsn = at.lsn();
      commit = Values.toMicros(tx.get(tx.size() - 1).getCommitTime());
      if (sinceCheckpoint >= CHECKPOINT_RECORDS) {
        checkpoint();
      }
    }

    void checkpoint() {
      if (lsn == position.lsn()) {
        return;
      }
      FollowPosition next =
          new FollowPosition(database, lsn, commit, plan.wholePositions(lsn, position.streams()));
      sink.checkpoint(next);
      position = next;
      sinceCheckpoint = 0;
    }
  }

  /**
   * Holds a lease naming the current retention record, taken again when retention moved: the
   * follower then reads nothing below the new floor (a position below it is reseeded).
   */
  private void renewLease() {
    String current = reader.retentionKey(database).orElse(null);
    if (lease != null && java.util.Objects.equals(current, leaseRecord)) {
      return;
    }
    ReaderLease next =
        new Restorer(reader, Restorer.DEFAULT_PARALLELISM)
            .lease(database, io.walstream.archive.format.Lease.FOLLOW);
    if (lease != null) {
      lease.close();
    }
    lease = next;
    leaseRecord = current;
  }

  /** Closes the file (what was committed stays) and releases the lease. */
  @Override
  public void close() {
    if (sink != null) {
      sink.abort();
      sink = null;
    }
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }
}
