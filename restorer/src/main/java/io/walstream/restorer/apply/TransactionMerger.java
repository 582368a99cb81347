package io.walstream.restorer.apply;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.read.StoredManifest;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

/**
 * Merges the planned streams of a database by (lsn, txIndex), groups records into transactions
 * (complete once their {@code txLast} record is read), and hands each complete transaction within
 * the target to the consumer, in order; stops at the first one beyond the target. Holds, per
 * stream, the compressed bytes of the current and the next segment and two decoded chunks of
 * records, so memory is bounded whatever the archive's size.
 */
public final class TransactionMerger {
  /** What the merge did. */
  public record Outcome(
      long transactions,
      long records,
      Long lastLsn,
      Long lastCommitMicros,
      long incompleteRecords,
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
    PriorityQueue<Cursor> queue =
        new PriorityQueue<>(
            (a, b) -> {
              int byLsn = Long.compare(a.current.getLsn(), b.current.getLsn());
              return byLsn != 0
                  ? byLsn
                  : Integer.compare(a.current.getTxIndex(), b.current.getTxIndex());
            });
    for (RestorePlan.StreamPlan stream : plan.streams()) {
      Cursor cursor = new Cursor(stream.stream(), stream.manifests().iterator(), fetchers);
      if (cursor.advance()) {
        queue.add(cursor);
      }
    }
    List<ChangeRecord> pending = new ArrayList<>();
    long applied = 0;
    long records = 0;
    Long lastLsn = null;
    Long lastCommit = null;
    Cursor pendingFrom = null;
    while (!queue.isEmpty()) {
      Cursor cursor = queue.peek();
      ChangeRecord record = cursor.current;
      if (record.getLsn() <= resumeAfter) {
        // Applied by the interrupted restore this one resumes.
        queue.poll();
        if (cursor.advance()) {
          queue.add(cursor);
        }
        continue;
      }
      if (!pending.isEmpty() && pending.get(0).getLsn() != record.getLsn()) {
        if (pendingFrom.current == null) {
          // The pending transaction's stream ends before its txLast: its end is not archived yet.
          // Everything after it would leave a hole, so the restore stops before it.
          break;
        }
        throw new IntegrityException(
            cursor.key,
            "Cannot restore: transaction "
                + pending.get(0).getLsn()
                + " ends without its txLast record before lsn "
                + record.getLsn());
      }
      if (!plan.target().admits(record.getLsn(), Values.toMicros(record.getCommitTime()))) {
        // Records of a transaction share lsn and commit time: this one and all later are beyond.
        pending.clear();
        break;
      }
      queue.poll();
      TransactionPosition position =
          new TransactionPosition(cursor.stream, cursor.seq, record.getLsn());
      pending.add(record);
      pendingFrom = cursor;
      if (cursor.advance()) {
        queue.add(cursor);
      }
      if (record.getTxLast()) {
        transactions.accept(List.copyOf(pending), position);
        applied++;
        records += pending.size();
        lastLsn = record.getLsn();
        lastCommit = Values.toMicros(record.getCommitTime());
        pending.clear();
      }
    }
    return new Outcome(
        applied,
        records,
        lastLsn,
        lastCommit,
        pending.size(),
        resumeAfter == Long.MIN_VALUE ? null : resumeAfter);
  }

  /** A verified segment being read, with its first chunk already decoded. */
  private record Opened(Manifest manifest, SegmentRecords records, List<ChangeRecord> first) {}

  /**
   * Walks one stream's planned segments record by record. While the applier consumes a chunk, the
   * next chunk is decoded and the next segment fetched and verified, on the fetch threads; every
   * task is short and never waits on another, so a pool smaller than the number of streams cannot
   * deadlock.
   */
  private final class Cursor {
    private final io.walstream.archive.layout.StreamId stream;
    private final Iterator<StoredManifest> manifests;
    private final ExecutorService fetchers;
    private Iterator<ChangeRecord> records = java.util.Collections.emptyIterator();
    private ChangeRecord current;
    private String key;
    private long seq;
    private SegmentRecords segment;
    private CompletableFuture<List<ChangeRecord>> nextChunk;
    private CompletableFuture<Opened> nextSegment;
    private boolean started;

    Cursor(
        io.walstream.archive.layout.StreamId stream,
        Iterator<StoredManifest> manifests,
        ExecutorService fetchers) {
      this.stream = stream;
      this.manifests = manifests;
      this.fetchers = fetchers;
    }

    /** Starts fetching the stream's next segment (gaps are skipped), or sets null at the end. */
    private void prefetch() {
      Manifest manifest = null;
      while (manifest == null && manifests.hasNext()) {
        Manifest candidate = manifests.next().manifest();
        if (candidate.kind() != Manifest.Kind.SEGMENT) {
          continue;
        }
        if (candidate.lastLsn() != null && candidate.lastLsn() <= resumeAfter) {
          // Wholly applied before the interruption: counted as done, not fetched.
          segmentsDone++;
          bytesDone += candidate.byteSize();
          continue;
        }
        manifest = candidate;
      }
      Manifest m = manifest;
      nextSegment =
          m == null
              ? null
              : CompletableFuture.supplyAsync(
                  () -> {
                    SegmentRecords opened = new SegmentRecords(m, archive.segment(m));
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
          Opened opened = join(nextSegment);
          open(opened);
          chunk = opened.first();
        } else {
          chunk = join(nextChunk);
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
      return true;
    }

    private void open(Opened opened) {
      Manifest manifest = opened.manifest();
      segmentsDone++;
      bytesDone += manifest.byteSize();
      progress.segmentDone(segmentsDone, segmentsTotal, bytesDone, bytesTotal);
      key = manifest.segmentKey();
      seq = manifest.seq();
      segment = opened.records();
      // Fetch and verify the following segment while this one is applied.
      prefetch();
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
