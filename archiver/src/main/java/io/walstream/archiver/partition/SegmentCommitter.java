package io.walstream.archiver.partition;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.EncodedRecord;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.Batch;
import io.walstream.archive.writer.CommitResult;
import io.walstream.archiver.metrics.ArchiverMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits one partition's cuts to the archive (encode, segment put, manifest claim), one cut at a
 * time and in the order they were taken, on a background thread so that the stream thread keeps
 * consuming while a segment is compressed and written.
 *
 * <p>It keeps its own view of each stream's head, the one its last commit produced; the stream
 * thread learns it when it collects the cut's {@link Result}. Because another writer may have moved
 * the archive on (a zombie task, a second deployment), every batch is first trimmed of what the
 * head already holds, and a lost claim is resolved by reloading the head and trimming again.
 * Batches are never modified: the stream thread still reads them until the cut lands.
 */
final class SegmentCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentCommitter.class);
  private static final int MAX_CONFLICT_RETRIES = 10;

  private final ArchiveWriter writer;
  private final ArchiverMetrics metrics;
  // Touched by one cut at a time: cuts of a partition run strictly one after the other.
  private final Map<StreamId, StreamHead> heads = new HashMap<>();

  /**
   * One stream's share of a cut.
   *
   * @param knownHead the head the stream thread knew when it took the cut; used only for a stream
   *     this committer has not committed to yet
   * @param records the records, in stream order
   * @param offsets their source offsets, increasing, one per record (unboxed: the stream thread
   *     adds one per record); never changed after the cut is taken
   * @param handledThroughOffset the partition's handled-through offset at the cut
   */
  record StreamBatch(
      StreamHead knownHead,
      List<EncodedRecord> records,
      long[] offsets,
      long handledThroughOffset) {
    StreamBatch {
      if (offsets.length != records.size()) {
        throw new IllegalArgumentException(
            "Cannot take a cut of "
                + knownHead.stream()
                + ": "
                + records.size()
                + " records but "
                + offsets.length
                + " offsets");
      }
    }

    long lastOffset() {
      return offsets[offsets.length - 1];
    }
  }

  /** What a cut left behind: each stream's head after it, and the manifests it committed. */
  record Result(Map<StreamId, StreamHead> heads, List<CommittedManifest> manifests) {}

  SegmentCommitter(ArchiveWriter writer, ArchiverMetrics metrics) {
    this.writer = writer;
    this.metrics = metrics;
  }

  /**
   * Adopts a head committed outside a cut (a gap marker); only while no cut is in flight, so that
   * the cut submitted next sees it.
   */
  void adopt(StreamHead head) {
    heads.put(head.stream(), head);
  }

  /** Commits every batch of one cut; throws (and commits nothing further) on a storage failure. */
  Result commit(CutTrigger trigger, List<StreamBatch> batches) {
    long start = System.nanoTime();
    Map<StreamId, StreamHead> after = new LinkedHashMap<>();
    List<CommittedManifest> manifests = new ArrayList<>();
    for (StreamBatch batch : batches) {
      StreamId stream = batch.knownHead().stream();
      StreamHead head = heads.getOrDefault(stream, batch.knownHead());
      head = commit(head, batch, manifests);
      heads.put(stream, head);
      after.put(stream, head);
    }
    if (!manifests.isEmpty()) {
      metrics.cut(trigger.tag(), Duration.ofNanos(System.nanoTime() - start));
    }
    return new Result(after, manifests);
  }

  private StreamHead commit(StreamHead head, StreamBatch batch, List<CommittedManifest> out) {
    StreamHead current = head;
    for (int attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      int from = firstNotHeld(current, batch);
      if (from == batch.records().size()) {
        return current;
      }
      requireFollows(current, batch, from);
      List<EncodedRecord> records = batch.records().subList(from, batch.records().size());
      Batch toCommit =
          new Batch(
              records,
              batch.offsets()[from],
              batch.lastOffset(),
              batch.handledThroughOffset(),
              null);
      CommitResult result = writer.commit(current, toCommit);
      if (result instanceof CommitResult.Committed c) {
        if (c.manifest() instanceof Manifest.Segment segment) {
          metrics.segment(segment.recordCount(), segment.segment().byteSize());
        }
        out.add(new CommittedManifest(c.manifest(), c.head().manifestSha256()));
        return c.head();
      }
      CommitResult.Conflict conflict = (CommitResult.Conflict) result;
      metrics.claimConflict();
      current = conflict.current();
      int held = firstNotHeld(current, batch) - from;
      LOG.warn(
          "Lost the claim of seq {} of {} to writer {} (this writer: {}); {} records of the cut are"
              + " already archived by it, {} remain",
          conflict.current().seq(),
          current.stream(),
          conflict.winnerWriterId(),
          writer.writerId(),
          held,
          records.size() - held);
    }
    throw new IllegalStateException(
        "Cannot archive into "
            + current.stream()
            + ": lost the claim "
            + MAX_CONFLICT_RETRIES
            + " times in a row");
  }

  /** Index of the first record whose source offset the head does not hold yet. */
  private static int firstNotHeld(StreamHead head, StreamBatch batch) {
    long[] offsets = batch.offsets();
    int i = 0;
    while (i < offsets.length && offsets[i] <= head.lastSourceOffset()) {
      i++;
    }
    return i;
  }

  private static void requireFollows(StreamHead head, StreamBatch batch, int from) {
    EncodedRecord first = batch.records().get(from);
    if (head.lastLsn() != null && !first.position().isAfter(head.lastPosition())) {
      throw new IntegrityException(
          head.manifestSha256(),
          "Cannot archive into "
              + head.stream()
              + ": writer "
              + head.writerId()
              + " archived different records for the same source offsets");
    }
  }
}
