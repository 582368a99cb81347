package io.walstream.archive.writer;

import io.walstream.archive.format.EncodedRecord;
import io.walstream.schemas.avro.ChangeRecord;
import java.util.List;

/**
 * Records to commit as one segment, with the source offsets they came from.
 *
 * @param records the records as Avro bodies, in strictly increasing (lsn, txIndex) order, at least
 *     one
 * @param firstSourceOffset source offset of the first record
 * @param lastSourceOffset source offset of the last record
 * @param handledThroughOffset every offset of the source partition up to this one has been handled
 *     once this batch is committed (at least {@code lastSourceOffset})
 * @param topicId the Kafka topic id of the source topic, or null when unknown
 */
public record Batch(
    List<EncodedRecord> records,
    long firstSourceOffset,
    long lastSourceOffset,
    long handledThroughOffset,
    String topicId) {
  /** A batch of decoded records, encoded here. */
  public static Batch of(
      List<ChangeRecord> records,
      long firstSourceOffset,
      long lastSourceOffset,
      long handledThroughOffset,
      String topicId) {
    return new Batch(
        records.stream().map(EncodedRecord::of).toList(),
        firstSourceOffset,
        lastSourceOffset,
        handledThroughOffset,
        topicId);
  }

  public Batch {
    records = List.copyOf(records);
    if (records.isEmpty()) {
      throw new IllegalArgumentException("Cannot build batch: no records");
    }
    if (firstSourceOffset < 0
        || lastSourceOffset < firstSourceOffset
        || handledThroughOffset < lastSourceOffset) {
      throw new IllegalArgumentException(
          "Cannot build batch: need 0 <= first <= last <= handledThrough offsets, got "
              + firstSourceOffset
              + ", "
              + lastSourceOffset
              + ", "
              + handledThroughOffset);
    }
  }
}
