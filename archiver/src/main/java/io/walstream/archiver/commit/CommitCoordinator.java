package io.walstream.archiver.commit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Connects Kafka Streams' offset commit to the archive: before the offsets of some input partitions
 * are committed, the buffers of exactly those partitions are cut and committed to the archive, so
 * that Streams never commits an offset past records the archive does not hold.
 *
 * <p>Why here: under exactly_once_v2 (Kafka Streams 4.3.1) no public processor or state-store hook
 * runs before the offset commit; {@code Producer#sendOffsetsToTransaction} does, for periodic,
 * requested, revocation and shutdown commits alike, and an exception thrown from it aborts the
 * transaction with the offsets uncommitted. {@link ArchivingProducer} calls {@link
 * #beforeOffsetCommit} from there. See docs/ARCHITECTURE.md and {@code CommitOrderIT}, which fails
 * if a Kafka upgrade changes this order.
 *
 * <p>Partitions register when their task starts processing and unregister when it closes. The
 * registry is shared by all stream threads; each partition is only ever cut by the thread that owns
 * its task, because that thread's producer commits its offsets.
 */
public final class CommitCoordinator {
  /** Cuts one partition's buffers and returns the manifest records to publish. */
  public interface PartitionCut extends Supplier<List<ProducerRecord<byte[], byte[]>>> {}

  private final Map<TopicPartition, PartitionCut> partitions = new ConcurrentHashMap<>();

  public void register(TopicPartition partition, PartitionCut cut) {
    partitions.put(partition, cut);
  }

  public void unregister(TopicPartition partition, PartitionCut cut) {
    partitions.remove(partition, cut);
  }

  /**
   * Cuts the buffers of {@code committing}; returns the manifest records to send in the same
   * transaction. Throws when the archive cannot take the data, which aborts the commit.
   */
  public List<ProducerRecord<byte[], byte[]>> beforeOffsetCommit(
      Collection<TopicPartition> committing) {
    List<ProducerRecord<byte[], byte[]>> manifests = new ArrayList<>();
    for (TopicPartition partition : committing) {
      PartitionCut cut = partitions.get(partition);
      if (cut != null) {
        manifests.addAll(cut.get());
      }
    }
    return manifests;
  }
}
