package io.walstream.archiver.testing;

import io.walstream.archiver.partition.SourceReader;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** A source reader for driver tests where no offset gap may occur: asking to read one fails. */
public final class NoReadBack implements SourceReader {
  @Override
  public long beginningOffset(TopicPartition partition) {
    return 0;
  }

  @Override
  public void read(
      TopicPartition partition,
      long from,
      long toExclusive,
      Consumer<ConsumerRecord<byte[], byte[]>> action) {
    throw new AssertionError("no read-back expected from " + from + " to " + toExclusive);
  }
}
