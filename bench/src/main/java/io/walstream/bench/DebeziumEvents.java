package io.walstream.bench;

import io.walstream.ingest.connect.CommitLsnHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Debezium PostgreSQL events as Kafka Connect's JsonConverter writes them with schemas (the shape
 * DebeziumPostgresIT captured from the real connector 3.6.1): per transaction a BEGIN, a few row
 * changes over two tables, and an END carrying the commit LSN header walstream's transform adds.
 */
final class DebeziumEvents {
  private static final String PREFIX = "bench";
  private static final String ACCOUNTS = PREFIX + ".public.accounts";

  private static final String SOURCE_SCHEMA =
      "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"version\"},"
          + "{\"type\":\"string\",\"optional\":false,\"field\":\"connector\"},"
          + "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
          + "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"},"
          + "{\"type\":\"string\",\"optional\":false,\"field\":\"db\"},"
          + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
          + "{\"type\":\"string\",\"optional\":false,\"field\":\"schema\"},"
          + "{\"type\":\"string\",\"optional\":false,\"field\":\"table\"},"
          + "{\"type\":\"int64\",\"optional\":true,\"field\":\"txId\"},"
          + "{\"type\":\"int64\",\"optional\":true,\"field\":\"lsn\"}],"
          + "\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Source\",\"field\":\"source\"}";
  private static final String TX_SCHEMA =
      "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
          + "{\"type\":\"int64\",\"optional\":false,\"field\":\"total_order\"},"
          + "{\"type\":\"int64\",\"optional\":false,\"field\":\"data_collection_order\"}],"
          + "\"optional\":true,\"name\":\"event.block\",\"field\":\"transaction\"}";
  private static final String ACCOUNT_ROW =
      "{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
          + "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
          + "{\"type\":\"bytes\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Decimal\","
          + "\"version\":1,\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"12\"},"
          + "\"field\":\"balance\"},"
          + "{\"type\":\"int32\",\"optional\":true,\"name\":\"io.debezium.time.Date\",\"version\":1,"
          + "\"field\":\"opened\"},"
          + "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.time.ZonedTimestamp\","
          + "\"version\":1,\"field\":\"updated\"},"
          + "{\"type\":\"boolean\",\"optional\":true,\"field\":\"active\"},"
          + "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Json\",\"version\":1,"
          + "\"field\":\"meta\"}],\"optional\":true,\"name\":\""
          + ACCOUNTS
          + ".Value\",\"field\":\"%s\"}";
  private static final String ENVELOPE_SCHEMA =
      "{\"type\":\"struct\",\"fields\":["
          + String.format(ACCOUNT_ROW, "before")
          + ","
          + String.format(ACCOUNT_ROW, "after")
          + ","
          + SOURCE_SCHEMA
          + ",{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
          + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},"
          + TX_SCHEMA
          + "],"
          + "\"optional\":false,\"name\":\""
          + ACCOUNTS
          + ".Envelope\",\"version\":2}";
  private static final String KEY_SCHEMA =
      "{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"}],"
          + "\"optional\":false,\"name\":\""
          + ACCOUNTS
          + ".Key\"}";

  private final String prefix;
  private final Random random = new Random(17);
  private long xid = 1000;
  private long lsn = 50_000_000;

  /** Events of a connector with {@code topic.prefix} {@code prefix}. */
  DebeziumEvents(String prefix) {
    this.prefix = prefix;
  }

  String accounts() {
    return prefix + ".public.accounts";
  }

  String ledger() {
    return prefix + ".public.ledger";
  }

  String transactions() {
    return prefix + ".transaction";
  }

  /** The records of one transaction of {@code changes} row changes, committed at {@code micros}. */
  List<ProducerRecord<byte[], byte[]>> transaction(int changes, long micros) {
    long tx = xid++;
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    out.add(boundary(tx, "BEGIN", "null", null));
    for (int order = 1; order <= changes; order++) {
      lsn += 200 + random.nextInt(200);
      long id = random.nextInt(100_000);
      String topic = order % 3 == 0 ? ledger() : accounts();
      String key = "{\"schema\":" + KEY_SCHEMA + ",\"payload\":{\"id\":" + id + "}}";
      out.add(
          new ProducerRecord<>(
              topic, 0, null, utf8(key), utf8(change(id, tx, order, micros, topic))));
    }
    lsn += 100;
    out.add(boundary(tx, "END", Integer.toString(changes), lsn));
    return out;
  }

  private String change(long id, long tx, int order, long micros, String topic) {
    String balance =
        Base64.getEncoder()
            .encodeToString(java.math.BigInteger.valueOf(random.nextInt(10_000_000)).toByteArray());
    String after =
        "{\"id\":"
            + id
            + ",\"name\":\"acct-"
            + id
            + "\",\"balance\":\""
            + balance
            + "\","
            + "\"opened\":"
            + (18_000 + random.nextInt(2_000))
            + ","
            + "\"updated\":\"2026-06-01T00:11:55.078276Z\",\"active\":"
            + random.nextBoolean()
            + ",\"meta\":\"{\\\"tags\\\": [\\\"a\\\", \\\"b\\\"], \\\"score\\\": "
            + random.nextInt(100)
            + "}\"}";
    String table = topic.substring(topic.lastIndexOf('.') + 1);
    String payload =
        "{\"before\":null,\"after\":"
            + after
            + ",\"source\":{\"version\":\"3.6.1.Final\","
            + "\"connector\":\"postgresql\",\"name\":\""
            + prefix
            + "\",\"ts_ms\":"
            + micros / 1000
            + ",\"db\":\"shop\",\"ts_us\":"
            + micros
            + ",\"schema\":\"public\",\"table\":\""
            + table
            + "\",\"txId\":"
            + tx
            + ",\"lsn\":"
            + lsn
            + "},\"op\":\"c\",\"ts_ms\":"
            + micros / 1000
            + ",\"transaction\":{\"id\":\""
            + tx
            + ":"
            + lsn
            + "\",\"total_order\":"
            + order
            + ",\"data_collection_order\":"
            + order
            + "}}";
    return "{\"schema\":" + ENVELOPE_SCHEMA + ",\"payload\":" + payload + "}";
  }

  private ProducerRecord<byte[], byte[]> boundary(
      long tx, String status, String count, Long lsnAt) {
    String value =
        "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,"
            + "\"field\":\"status\"},{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
            + "{\"type\":\"int64\",\"optional\":true,\"field\":\"event_count\"}],\"optional\":false,"
            + "\"name\":\"io.debezium.connector.common.TransactionMetadataValue\",\"version\":1},"
            + "\"payload\":{\"status\":\""
            + status
            + "\",\"id\":\""
            + tx
            + ":"
            + lsn
            + "\","
            + "\"event_count\":"
            + count
            + "}}";
    RecordHeaders headers = new RecordHeaders();
    if (lsnAt != null) {
      headers.add(CommitLsnHeader.HEADER, utf8(Long.toString(lsnAt)));
    }
    return new ProducerRecord<>(
        transactions(),
        0,
        null,
        utf8("{\"payload\":{\"id\":\"" + tx + "\"}}"),
        utf8(value),
        headers);
  }

  /** The commit LSN of the last transaction made. */
  long lastLsn() {
    return lsn;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
