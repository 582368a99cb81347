package io.walstream.archiver.partition;

import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a source partition directly by offset, for gap reconciliation (DESIGN invariant 3): when
 * Kafka hands the archiver an offset beyond what the archive accounts for, the range between is
 * read back and archived first.
 */
public interface SourceReader {
  /** The first offset the partition still holds (its log start offset). */
  long beginningOffset(TopicPartition partition);

  /** Calls {@code action} for each committed record with {@code from <= offset < toExclusive}. */
  void read(
      TopicPartition partition,
      long from,
      long toExclusive,
      Consumer<ConsumerRecord<byte[], byte[]>> action);
}
