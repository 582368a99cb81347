package io.walstream.restorer.apply;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Position;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.TransactionGroup;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.sink.TransactionPosition;
import io.walstream.restorer.verify.SegmentRecords;
import io.walstream.restorer.verify.VerifiedArchive;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.value.Values;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

/**
 * Merges the planned streams of a database by (lsn, txIndex), groups records into transactions, and
 * hands each complete transaction within the target to the consumer, in order; stops at the first
 * one beyond the target. Holds, per stream, the compressed bytes of the current and the next
 * segment and two decoded chunks of records, so memory is bounded whatever the archive's size.
 *
 * <p>A transaction is <em>complete</em> when, in the merged order of all the database's streams,
 * its records carry {@code txIndex} 0, 1, 2, … without a hole and end with the {@code txLast}
 * record. Any other group of records sharing an lsn (no {@code txLast}, a skipped or repeated
 * {@code txIndex}, not starting at 0, records after {@code txLast}) is <em>incomplete</em>: never
 * applied, never fatal, and reported. The decision is made only from what is archived: while a
 * stream that has not moved past the transaction's lsn (it ends at its head at or below it) could
 * still deliver the missing records, the merge stops before the transaction instead, as it does for
 * the newest transaction whose end is not archived yet.
 */
public final class TransactionMerger {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TransactionMerger.class);

  /**
   * What the merge did.
   *
   * @param transactions complete transactions applied
   * @param records their records
   * @param lastLsn lsn of the last applied transaction, null when none
   * @param lastCommitMicros its commit time
   * @param pendingRecords records of the transaction the merge stopped before because its end may
   *     still be archived (0 when none)
   * @param pendingLsn that transaction's lsn, null when none
   * @param incomplete the incomplete transactions left out
   * @param resumedAfterLsn the lsn a resumed restore skipped up to, null when not resumed
   */
  public record Outcome(
      long transactions,
      long records,
      Long lastLsn,
      Long lastCommitMicros,
      long pendingRecords,
      Long pendingLsn,
      Incomplete incomplete,
      Long resumedAfterLsn) {}

  // Records decoded per task: large enough to amortize the hand-off, small enough that a few
  // chunks per stream stay a bounded, small part of the heap.
  private static final int CHUNK = 2_000;

  private final VerifiedArchive archive;
  private final int parallelism;
  private Progress progress = Progress.NONE;
  private long resumeAfter = Long.MIN_VALUE;
  private long segmentsTotal;
  private long bytesTotal;
  private long segmentsDone;
  private long bytesDone;

  /**
   * A merger that fetches, verifies and decodes the next segment of each stream ahead, on up to
   * {@code parallelism} threads, while the current one is applied.
   */
  public TransactionMerger(VerifiedArchive archive, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException(
          "Cannot restore with parallelism " + parallelism + ": need at least 1");
    }
    this.archive = archive;
    this.parallelism = parallelism;
  }

  public Outcome merge(
      RestorePlan plan, BiConsumer<List<ChangeRecord>, TransactionPosition> transactions) {
    return merge(plan, transactions, Progress.NONE);
  }

  /**
   * As {@link #merge(RestorePlan, BiConsumer)}, reporting each verified segment to {@code
   * progress}.
   */
  public Outcome merge(
      RestorePlan plan,
      BiConsumer<List<ChangeRecord>, TransactionPosition> transactions,
      Progress progress) {
    return merge(plan, transactions, progress, null);
  }

  /**
   * As {@link #merge(RestorePlan, BiConsumer, Progress)}, resuming an interrupted restore: the
   * transactions up to {@code resumeAfterLsn} (when not null) are already applied and are skipped,
   * whole segments of them without being fetched.
   */
  public Outcome merge(
      RestorePlan plan,
      BiConsumer<List<ChangeRecord>, TransactionPosition> transactions,
      Progress progress,
      Long resumeAfterLsn) {
    this.resumeAfter = resumeAfterLsn == null ? Long.MIN_VALUE : resumeAfterLsn;
    this.progress = progress;
    this.segmentsTotal = plan.segments();
    this.bytesTotal = plan.bytes();
    this.segmentsDone = 0;
    this.bytesDone = 0;
    ExecutorService fetchers =
        Executors.newFixedThreadPool(
            parallelism,
            runnable -> {
              Thread thread = new Thread(runnable, "walstream-restore-fetch");
              thread.setDaemon(true);
              return thread;
            });
    try {
      return merge(plan, transactions, fetchers);
    } finally {
      fetchers.shutdownNow();
    }
  }

  private Outcome merge(
      RestorePlan plan,
      BiConsumer<List<ChangeRecord>, TransactionPosition> transactions,
      ExecutorService fetchers) {
    Merge merge = new Merge(plan, fetchers);
    while (true) {
      Cursor cursor = merge.queue.peek();
      ChangeRecord record = cursor == null ? null : cursor.current;
      if (record != null && record.getLsn() <= resumeAfter) {
        // Applied by the interrupted restore this one resumes.
        merge.next(cursor);
        continue;
      }
      if (merge.endsGroup(record) && !merge.leaveOutGroup()) {
        break;
      }
      long commitMicros = record == null ? 0 : Values.toMicros(record.getCommitTime());
      if (record == null || !plan.target().admits(record.getLsn(), commitMicros)) {
        // Records of a transaction share lsn and commit time: this one and all later are beyond.
        break;
      }
      merge.add(cursor, record, commitMicros, transactions);
    }
    return merge.outcome();
  }

  /** The state of one merge: the streams' cursors, the open group and what was applied. */
  private final class Merge {
    final RestorePlan plan;
    final PriorityQueue<Cursor> queue =
        new PriorityQueue<>((a, b) -> Position.RECORD_ORDER.compare(a.current, b.current));
    final List<Cursor> cursors = new ArrayList<>();
    final TransactionGroup group = new TransactionGroup();
    long applied;
    long records;
    Long lastLsn;
    Long lastCommit;
    Incomplete incomplete = Incomplete.NONE;

    Merge(RestorePlan plan, ExecutorService fetchers) {
      this.plan = plan;
      for (RestorePlan.StreamPlan stream : plan.streams()) {
        Cursor cursor = new Cursor(stream, fetchers);
        cursors.add(cursor);
        if (cursor.advance()) {
          queue.add(cursor);
        }
      }
    }

    /** Takes the cursor's record off the queue and moves the cursor on. */
    void next(Cursor cursor) {
      queue.poll();
      if (cursor.advance()) {
        queue.add(cursor);
      }
    }

    /** Whether {@code record} (null: none left) comes after every record of the open group. */
    boolean endsGroup(ChangeRecord record) {
      return !group.isEmpty() && (record == null || record.getLsn() != group.lsn());
    }

    /**
     * Every planned record of the group's lsn has been read, and it is not a complete transaction:
     * leaves it out and reports it; false when a stream could still deliver the rest of it, so that
     * the merge must stop before it.
     */
    boolean leaveOutGroup() {
      if (mayStillArrive(cursors, group.lsn())) {
        return false;
      }
      incomplete = incomplete.plus(group.lsn(), group.size());
      if (incomplete.transactions() <= Incomplete.LISTED) {
        LOG.warn(
            "Restore of {} leaves out incomplete transaction lsn {} ({} records: {})",
            plan.database(),
            group.lsn(),
            group.size(),
            group.flaw());
      }
      group.clear();
      return true;
    }

    /** Adds {@code record} to the open group, and applies the group once it is complete. */
    void add(
        Cursor cursor,
        ChangeRecord record,
        long commitMicros,
        BiConsumer<List<ChangeRecord>, TransactionPosition> transactions) {
      TransactionPosition position =
          new TransactionPosition(cursor.stream, cursor.seq, record.getLsn());
      group.add(record);
      next(cursor);
      if (group.complete()) {
        transactions.accept(group.records(), position);
        applied++;
        records += group.size();
        lastLsn = record.getLsn();
        lastCommit = commitMicros;
        group.completed();
      }
    }

    Outcome outcome() {
      return new Outcome(
          applied,
          records,
          lastLsn,
          lastCommit,
          group.size(),
          group.isEmpty() ? null : group.lsn(),
          incomplete,
          resumeAfter == Long.MIN_VALUE ? null : resumeAfter);
    }
  }

  /**
   * Whether a stream could still deliver records of the transaction at {@code lsn}: one whose
   * planned records are all read, and which either reaches its head at or below that lsn (later
   * records may still be archived) or has a segment beyond the plan starting at or below it.
   */
  private static boolean mayStillArrive(List<Cursor> cursors, long lsn) {
    for (Cursor cursor : cursors) {
      if (cursor.current != null) {
        continue;
      }
      Long beyond = cursor.plan.firstLsnBeyond();
      boolean open =
          beyond == null ? cursor.lastLsn == null || cursor.lastLsn <= lsn : beyond <= lsn;
      if (open) {
        return true;
      }
    }
    return false;
  }

  /** A verified segment being read, with its first chunk already decoded. */
  private record Opened(
      Manifest.Segment manifest, SegmentRecords records, List<ChangeRecord> first) {}

  /**
   * Walks one stream's planned segments record by record. While the applier consumes a chunk, the
   * next chunk is decoded and the next segment fetched and verified, on the fetch threads; every
   * task is short and never waits on another, so a pool smaller than the number of streams cannot
   * deadlock.
   */
  private final class Cursor {
    private final RestorePlan.StreamPlan plan;
    private final io.walstream.archive.layout.StreamId stream;
    private final Iterator<StoredManifest> manifests;
    private final ExecutorService fetchers;
    private Long lastLsn;
    private Iterator<ChangeRecord> records = java.util.Collections.emptyIterator();
    private ChangeRecord current;
    private String key;
    private long seq;
    private SegmentRecords segment;
    private CompletableFuture<List<ChangeRecord>> nextChunk;
    private CompletableFuture<Opened> nextSegment;
    private boolean started;

    Cursor(RestorePlan.StreamPlan plan, ExecutorService fetchers) {
      this.plan = plan;
      this.stream = plan.stream();
      this.manifests = plan.manifests().iterator();
      this.fetchers = fetchers;
    }

    /** Starts fetching the stream's next segment (gaps are skipped), or sets null at the end. */
    private void prefetch() {
      Manifest.Segment manifest = null;
      while (manifest == null && manifests.hasNext()) {
        if (!(manifests.next().manifest() instanceof Manifest.Segment candidate)) {
          continue;
        }
        if (candidate.last().lsn() <= resumeAfter) {
          // Wholly applied before the interruption: counted as done, not fetched.
          segmentsDone++;
          bytesDone += candidate.segment().byteSize();
          continue;
        }
        manifest = candidate;
      }
      Manifest.Segment m = manifest;
      nextSegment =
          m == null
              ? null
              : CompletableFuture.supplyAsync(
                  () -> {
                    SegmentRecords opened =
                        new SegmentRecords(m, archive.segment(m), archive.reader().keys());
                    return new Opened(m, opened, opened.next(CHUNK));
                  },
                  fetchers);
    }

    boolean advance() {
      if (!started) {
        started = true;
        prefetch();
      }
      while (!records.hasNext()) {
        List<ChangeRecord> chunk;
        if (segment == null) {
          if (nextSegment == null) {
            current = null;
            return false;
          }
          Opened opened = Futures.join(nextSegment);
          open(opened);
          chunk = opened.first();
        } else {
          chunk = Futures.join(nextChunk);
        }
        if (chunk.isEmpty()) {
          segment = null;
          continue;
        }
        SegmentRecords reading = segment;
        nextChunk = CompletableFuture.supplyAsync(() -> reading.next(CHUNK), fetchers);
        records = chunk.iterator();
      }
      current = records.next();
      lastLsn = current.getLsn();
      return true;
    }

    private void open(Opened opened) {
      Manifest.Segment manifest = opened.manifest();
      segmentsDone++;
      bytesDone += manifest.segment().byteSize();
      progress.segmentDone(segmentsDone, segmentsTotal, bytesDone, bytesTotal);
      key = manifest.segment().key();
      seq = manifest.seq();
      segment = opened.records();
      // Fetch and verify the following segment while this one is applied.
      prefetch();
    }
  }
}
