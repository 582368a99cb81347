package io.walstream.ingest.topology;

import io.walstream.ingest.config.IngestConfig;
import io.walstream.ingest.connect.CommitLsnHeader;
import io.walstream.ingest.metrics.IngestMetrics;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest topology under Kafka's TopologyTestDriver, with the input topics of a Debezium
 * PostgreSQL connector ({@code pg.public.accounts}, {@code pg.public.ledger}, {@code
 * pg.transaction}) and helpers that write its events as the connector would.
 */
abstract class IngestTopologyFixture {
  static final SingleObjectCodec<ChangeRecord> RECORDS = SingleObjectCodec.of(ChangeRecord.class);

  @TempDir Path state;
  TopologyTestDriver driver;
  TestInputTopic<byte[], byte[]> accounts;
  TestInputTopic<byte[], byte[]> ledger;
  TestInputTopic<byte[], byte[]> transactions;
  TestOutputTopic<String, byte[]> out;
  TestOutputTopic<String, byte[]> dlq;
  final IngestMetrics metrics = IngestMetrics.inMemory();

  /** The shape under test: two stages here, one in the subclasses named {@code *OneStageTest}. */
  IngestConfig.Stages shape() {
    return IngestConfig.Stages.TWO;
  }

  void start(boolean withMetadata) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("bootstrap.servers", "unused:9092");
    settings.put(IngestConfig.TOPICS_REGEX, "pg\\.public\\..*");
    if (withMetadata) {
      settings.put(IngestConfig.TRANSACTION_TOPIC, "pg.transaction");
    }
    settings.put(IngestConfig.DATABASE, "shop");
    settings.put(IngestConfig.TRANSACTION_TIMEOUT_MS, 10_000);
    settings.put(IngestConfig.SNAPSHOT_TIMEOUT_MS, 60_000);
    settings.put(IngestConfig.RELEASED_MEMORY, 2);
    IngestConfig config = IngestConfig.parse(settings);
    Properties props = new Properties();
    props.putAll(config.streamsProperties());
    props.put("state.dir", state.toString());
    driver = new TopologyTestDriver(IngestTopology.build(config, metrics, shape()), props);
    ByteArraySerializer bytes = new ByteArraySerializer();
    accounts = driver.createInputTopic("pg.public.accounts", bytes, bytes);
    ledger = driver.createInputTopic("pg.public.ledger", bytes, bytes);
    transactions = driver.createInputTopic("pg.transaction", bytes, bytes);
    out =
        driver.createOutputTopic(
            "walstream.changes", new StringDeserializer(), new ByteArrayDeserializer());
    dlq =
        driver.createOutputTopic(
            "walstream.ingest.dlq", new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static void change(
      TestInputTopic<byte[], byte[]> topic, String table, long id, String tx, long order) {
    String transaction =
        tx == null
            ? ""
            : ",\"transaction\":{\"id\":\""
                + tx
                + "\",\"total_order\":"
                + order
                + ",\"data_collection_order\":1}";
    topic.pipeInput(
        utf8("{\"id\":" + id + "}"),
        utf8(
            "{\"before\":null,\"after\":{\"id\":"
                + id
                + ",\"v\":\""
                + table
                + id
                + "\"},"
                + "\"source\":{\"db\":\"src\",\"schema\":\"public\",\"table\":\""
                + table
                + "\","
                + "\"ts_us\":1700000000000001,\"ts_ms\":1700000000000,\"lsn\":"
                + (500 + id)
                + "},\"op\":\"c\""
                + transaction
                + "}"));
  }

  void end(String tx, long count, Long commitLsn) {
    end(tx, count, commitLsn, new RecordHeaders());
  }

  /** An END as the transform writes it after a snapshot of {@code rows} rows at {@code lsn}. */
  void endAfterSnapshot(String tx, long count, long commitLsn, long snapshotLsn, long rows) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(CommitLsnHeader.SNAPSHOT_LSN, utf8(Long.toString(snapshotLsn)));
    headers.add(CommitLsnHeader.SNAPSHOT_COUNT, utf8(Long.toString(rows)));
    end(tx, count, commitLsn, headers);
  }

  private void end(String tx, long count, Long commitLsn, RecordHeaders headers) {
    if (commitLsn != null) {
      headers.add(CommitLsnHeader.HEADER, utf8(Long.toString(commitLsn)));
    }
    transactions.pipeInput(
        new TestRecord<>(
            utf8("{\"id\":\"" + tx + "\"}"),
            utf8(
                "{\"status\":\"END\",\"id\":\""
                    + tx
                    + "\",\"event_count\":"
                    + count
                    + ",\"data_collections\":[],\"ts_ms\":1700000000000}"),
            headers));
  }

  void begin(String tx) {
    transactions.pipeInput(
        utf8("{\"id\":\"" + tx + "\"}"),
        utf8("{\"status\":\"BEGIN\",\"id\":\"" + tx + "\",\"event_count\":null}"));
  }

  List<ChangeRecord> released() {
    return out.readValuesToList().stream().map(RECORDS::decode).toList();
  }

  static String header(TestRecord<String, byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /**
   * A row of a snapshot at {@code lsn}, read at {@code 1700000000000000 + id} µs, with the headers
   * the transform gives it: {@code order} (none when null) and, on the last row, {@code count}.
   */
  static void snapshotRow(
      TestInputTopic<byte[], byte[]> topic,
      String table,
      long id,
      long lsn,
      String marker,
      Long order,
      Long count) {
    RecordHeaders headers = new RecordHeaders();
    if (order != null) {
      headers.add(CommitLsnHeader.SNAPSHOT_ORDER, utf8(Long.toString(order)));
    }
    if (count != null) {
      headers.add(CommitLsnHeader.SNAPSHOT_COUNT, utf8(Long.toString(count)));
    }
    topic.pipeInput(
        new TestRecord<>(
            utf8("{\"id\":" + id + "}"),
            utf8(
                "{\"before\":null,\"after\":{\"id\":"
                    + id
                    + ",\"v\":\""
                    + table
                    + id
                    + "\"},\"source\":{\"db\":\"src\",\"schema\":\"public\",\"table\":\""
                    + table
                    + "\",\"snapshot\":\""
                    + marker
                    + "\",\"ts_us\":"
                    + (1_700_000_000_000_000L + id)
                    + ",\"ts_ms\":1700000000000,\"lsn\":"
                    + lsn
                    + "},\"op\":\"r\",\"transaction\":null}"),
            headers));
  }
}
