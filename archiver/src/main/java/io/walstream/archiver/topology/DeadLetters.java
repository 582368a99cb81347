package io.walstream.archiver.topology;

import io.walstream.archiver.partition.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead-letter record. The record keeps the original key, value and headers; these
 * are added so that an operator can tell why and where from without decoding anything.
 */
public final class DeadLetters {
  public static final String REASON = "walstream.dlq.reason";
  public static final String DETAIL = "walstream.dlq.detail";
  public static final String SOURCE_TOPIC = "walstream.dlq.source.topic";
  public static final String SOURCE_PARTITION = "walstream.dlq.source.partition";
  public static final String SOURCE_OFFSET = "walstream.dlq.source.offset";
  public static final String TIME = "walstream.dlq.time";

  private DeadLetters() {}

  /** The original headers plus the dead-letter headers. */
  public static Headers headers(
      Headers original,
      DeadLetterReason reason,
      String detail,
      String topic,
      int partition,
      long offset,
      Instant now) {
    RecordHeaders headers = new RecordHeaders(original == null ? new RecordHeaders() : original);
    add(headers, REASON, reason.label());
    add(headers, DETAIL, detail.length() > 2000 ? detail.substring(0, 2000) : detail);
    add(headers, SOURCE_TOPIC, topic);
    add(headers, SOURCE_PARTITION, Integer.toString(partition));
    add(headers, SOURCE_OFFSET, Long.toString(offset));
    add(headers, TIME, now.toString());
    return headers;
  }

  private static void add(RecordHeaders headers, String key, String value) {
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** The value of header {@code key}, or null. */
  public static String header(Headers headers, String key) {
    var header = headers.lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
