package io.walstream.archiver.partition;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archiver.config.ArchiverConfig.GapPolicy;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net of DESIGN invariant 3: when the first offset Kafka hands over for a partition is
 * beyond what the archive accounts for (its watermark, the highest handled-through offset of the
 * partition's stream heads), the range between is read straight from the topic and run through the
 * same decisions before anything else, so records are archived even if an offset commit ever got
 * ahead of the archive. Records of that range were handled by a committed transaction, so their
 * dead letters already exist and are not sent again. A range the topic no longer holds is a loud
 * failure or, with gap.policy=mark, an explicit gap marker; never a silent hole.
 */
public final class GapReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(GapReconciler.class);

  private final ArchiverRuntime runtime;
  private final GapPolicy policy;

  public GapReconciler(ArchiverRuntime runtime, GapPolicy policy) {
    this.runtime = runtime;
    this.policy = policy;
  }

  /** Reads back what is missing before {@code firstOffset}; returns gap manifests it committed. */
  public List<CommittedManifest> reconcile(
      PartitionArchiver partition, long watermark, long firstOffset) {
    TopicPartition source = partition.source();
    List<CommittedManifest> committed = new ArrayList<>();
    if (firstOffset <= watermark + 1) {
      return committed;
    }
    long beginning = runtime.sourceReader().beginningOffset(source);
    long from = watermark < 0 ? beginning : watermark + 1;
    if (from < beginning) {
      committed.addAll(lost(partition, from, beginning - 1, firstOffset));
      from = beginning;
    }
    if (from >= firstOffset) {
      return committed;
    }
    LOG.warn(
        "{}: first offset handed over is {} but the archive accounts for offsets up to {}; reading"
            + " {} to {} back from the topic first",
        source,
        firstOffset,
        watermark,
        from,
        firstOffset - 1);
    long[] replayed = {0};
    runtime
        .sourceReader()
        .read(
            source,
            from,
            firstOffset,
            record -> {
              partition.handle(record.value(), record.offset(), runtime.clock().millis());
              runtime.metrics().replayed();
              replayed[0]++;
            });
    committed.addAll(partition.cut(CutTrigger.RECONCILE));
    LOG.info(
        "{}: read back {} records of offsets {} to {}", source, replayed[0], from, firstOffset - 1);
    return committed;
  }

  private List<CommittedManifest> lost(
      PartitionArchiver partition, long firstMissing, long lastMissing, long firstOffset) {
    TopicPartition source = partition.source();
    String message =
        String.format(
            "Cannot archive %s: offsets %d to %d were removed from the topic before they were"
                + " archived (the archive accounts for offsets up to %d; the topic starts at %d)",
            source, firstMissing, lastMissing, firstMissing - 1, lastMissing + 1);
    if (policy == GapPolicy.FAIL) {
      throw new IntegrityException(
          source.toString(), message + "; set gap.policy=mark to record the gap and continue");
    }
    LOG.error("{}; recording a gap marker (gap.policy=mark)", message);
    return partition.markGap(firstMissing, lastMissing);
  }
}
