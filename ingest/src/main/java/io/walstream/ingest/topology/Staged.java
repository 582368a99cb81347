package io.walstream.ingest.topology;

import io.walstream.ingest.assemble.IngestDeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The values that flow between the ingest's stages: one marker byte says whether the rest goes on
 * ({@link #ON}) or to the dead-letter topic ({@link #DEAD}), whose reason travels in headers named
 * as the archiver names its own.
 */
final class Staged {
  static final byte ON = 'S';
  static final byte DEAD = 'D';

  static final String REASON = "walstream.dlq.reason";
  static final String DETAIL = "walstream.dlq.detail";
  static final String SOURCE_TOPIC = "walstream.dlq.source.topic";
  static final String SOURCE_PARTITION = "walstream.dlq.source.partition";
  static final String SOURCE_OFFSET = "walstream.dlq.source.offset";
  static final String TRANSACTION = "walstream.dlq.transaction";
  static final String TIME = "walstream.dlq.time";

  private Staged() {}

  static byte[] wrap(byte marker, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = marker;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  static boolean dead(byte[] value) {
    return value.length > 0 && value[0] == DEAD;
  }

  static byte[] body(byte[] value) {
    return Arrays.copyOfRange(value, 1, value.length);
  }

  /** Dead-letter headers: why, the transaction (or empty), and where the event came from. */
  static Headers deadLetterHeaders(
      IngestDeadLetterReason reason,
      String detail,
      String transactionId,
      String topic,
      int partition,
      long offset) {
    Headers headers = new RecordHeaders();
    headers.add(REASON, bytes(reason.label()));
    headers.add(DETAIL, bytes(detail == null ? "" : detail));
    headers.add(TRANSACTION, bytes(transactionId == null ? "" : transactionId));
    headers.add(SOURCE_TOPIC, bytes(topic));
    headers.add(SOURCE_PARTITION, bytes(Integer.toString(partition)));
    headers.add(SOURCE_OFFSET, bytes(Long.toString(offset)));
    headers.add(TIME, bytes(Instant.now().toString()));
    return headers;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
