package io.walstream.restorer.sink;

import io.walstream.archive.format.Snapshot;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.service.kafka.KafkaTimeouts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Restores a database's change records into a Kafka topic, in (lsn, txIndex) order, in walstream's
 * single-object encoding keyed by the database, so that downstream consumers can be re-seeded or a
 * cluster rebuilt.
 *
 * <p>Exactly once: records are written by a transactional producer whose id is derived from the
 * topic and the database ({@code walstream-restore-<topic>-<database>}), in Kafka transactions of
 * whole source transactions ({@link JdbcSink#BATCH_RECORDS} records at least, then the source
 * transaction in hand). Opening the sink fences and aborts whatever an earlier, killed restore left
 * open (a {@code read_committed} consumer never sees it), then reads the committed tail of the
 * partition the database's records go to: a rerun continues after the highest LSN of the database
 * committed there, so it never writes a record twice and never skips one. The last record of a
 * restore that finished carries the header {@value #END_HEADER} (its LSN, as text): a consumer that
 * has not seen it knows the restore is incomplete. One long Kafka transaction instead of batches
 * would hide a killed restore entirely, but the broker bounds a transaction's life ({@code
 * transaction.max.timeout.ms}, 15 minutes by default) and a large restore would outlive it.
 */
public final class KafkaTopicSink implements Sink {
  /** The header on the last record of a finished restore. */
  public static final String END_HEADER = "walstream.restore.end";

  private final Map<String, Object> config;
  private final Duration timeout;
  private final String topic;
  private final String database;
  private final int partition;
  private final KafkaProducer<byte[], byte[]> producer;
  private final SingleObjectCodec<ChangeRecord> codec = SingleObjectCodec.of(ChangeRecord.class);
  private final byte[] key;
  private final Map<String, Long> recordsPerTable = new TreeMap<>();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  // The source transaction last applied, held back so that a finished restore can mark its end.
  private List<ChangeRecord> held;
  private long inTransaction;
  private boolean open;
  // The highest lsn committed or sent, once the tail was read: this producer is the only writer.
  private Long lastLsn;
  private boolean tailRead;

  private KafkaTopicSink(
      Map<String, Object> config,
      Duration timeout,
      String topic,
      String database,
      int partition,
      KafkaProducer<byte[], byte[]> producer) {
    this.config = config;
    this.timeout = timeout;
    this.topic = topic;
    this.database = database;
    this.partition = partition;
    this.producer = producer;
    this.key = database.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The ACLs a restore into {@code topic} needs: the topic read (to resume after what is committed)
   * and written, and its transactional ids ({@link #transactionalId}).
   */
  public static List<io.walstream.service.kafka.KafkaGrant> grants(String topic) {
    return List.of(
        io.walstream.service.kafka.KafkaGrant.topic(
            topic,
            org.apache.kafka.common.acl.AclOperation.READ,
            org.apache.kafka.common.acl.AclOperation.WRITE,
            org.apache.kafka.common.acl.AclOperation.DESCRIBE),
        io.walstream.service.kafka.KafkaGrant.transactionalIdPrefix(
            "walstream-restore-" + topic + "-",
            org.apache.kafka.common.acl.AclOperation.WRITE,
            org.apache.kafka.common.acl.AclOperation.DESCRIBE));
  }

  /** The transactional id of a restore of {@code database} into {@code topic}. */
  public static String transactionalId(String topic, String database) {
    return "walstream-restore-" + topic + "-" + database;
  }

  /**
   * Opens a sink writing {@code database}'s records into {@code topic}, which must exist; fences
   * any earlier restore of the same database into it.
   *
   * @param clientConfig bootstrap servers and any security settings
   * @throws WalstreamException when Kafka cannot be reached, the topic does not exist, or the
   *     producer is refused
   */
  public static KafkaTopicSink open(
      Map<String, Object> clientConfig, Duration timeout, String topic, String database) {
    Map<String, Object> base = new HashMap<>(clientConfig);
    base.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
    base.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    base.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    Map<String, Object> config = new HashMap<>(KafkaTimeouts.producer(base, timeout));
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(topic, database));
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    KafkaProducer<byte[], byte[]> producer;
    try {
      producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    } catch (KafkaException e) {
      // The constructor's own message says only that it failed; the cause says why.
      throw KafkaTimeouts.failed(
          config,
          timeout,
          "create a producer for topic " + topic,
          e.getCause() != null ? e.getCause() : e,
          grants(topic));
    }
    try {
      int partition = partitionOf(producer, config, timeout, topic, database);
      // Fences an earlier producer of this id and aborts the transaction it left open.
      producer.initTransactions();
      KafkaTopicSink sink =
          new KafkaTopicSink(config, timeout, topic, database, partition, producer);
      sink.begin();
      return sink;
    } catch (KafkaException e) {
      producer.close(Duration.ZERO);
      throw KafkaTimeouts.failed(
          config,
          timeout,
          "start a restore of " + database + " into topic " + topic,
          e,
          grants(topic));
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
  }

  /**
   * The partition the database's records go to: the one Kafka's default partitioner picks for its
   * key (murmur2), set explicitly so that the tail a rerun reads is exactly where they are.
   */
  private static int partitionOf(
      KafkaProducer<byte[], byte[]> producer,
      Map<String, Object> config,
      Duration timeout,
      String topic,
      String database) {
    List<PartitionInfo> partitions;
    try {
      partitions = producer.partitionsFor(topic);
    } catch (KafkaException e) {
      throw KafkaTimeouts.failed(
          config, timeout, "read the partitions of topic " + topic, e, grants(topic));
    }
    if (partitions == null || partitions.isEmpty()) {
      throw new WalstreamException(
          ErrorKind.INVALID_CONFIG,
          "Cannot restore into topic " + topic + ": it does not exist (create it first)");
    }
    byte[] key = database.getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % partitions.size();
  }

  /** The partition this restore writes. */
  public int partition() {
    return partition;
  }

  private void begin() {
    producer.beginTransaction();
    open = true;
    inTransaction = 0;
  }

  /**
   * The highest LSN of the database committed in the partition: the restore goes on after it (a
   * rerun after a kill, or after a restore to an earlier target).
   */
  @Override
  public OptionalLong resume(String db, String target) {
    if (!tailRead) {
      OptionalLong tail = TopicTail.lastLsn(config, timeout, topic, partition, database);
      lastLsn = tail.isPresent() ? tail.getAsLong() : null;
      tailRead = true;
    }
    return lastLsn == null ? OptionalLong.empty() : OptionalLong.of(lastLsn);
  }

  @Override
  public void apply(List<ChangeRecord> transaction, TransactionPosition position) {
    if (held != null) {
      send(held, false);
    }
    held = transaction;
    if (inTransaction >= JdbcSink.BATCH_RECORDS) {
      // Whole source transactions per Kafka transaction: a consumer never sees half of one.
      commitBatch();
    }
  }

  private void send(List<ChangeRecord> transaction, boolean last) {
    checkSends();
    for (int i = 0; i < transaction.size(); i++) {
      ChangeRecord record = transaction.get(i);
      RecordHeaders headers = new RecordHeaders();
      if (last && i == transaction.size() - 1) {
        headers.add(END_HEADER, Long.toString(record.getLsn()).getBytes(StandardCharsets.UTF_8));
      }
      ProducerRecord<byte[], byte[]> out =
          new ProducerRecord<>(topic, partition, null, key, codec.encode(record), headers);
      try {
        producer.send(
            out,
            (metadata, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      } catch (KafkaException e) {
        throw failed("send records of lsn " + record.getLsn(), e);
      }
      recordsPerTable.merge(record.getTable(), 1L, Long::sum);
      lastLsn = record.getLsn();
    }
    inTransaction += transaction.size();
  }

  private void commitBatch() {
    try {
      producer.flush();
      checkSends();
      producer.commitTransaction();
    } catch (KafkaException e) {
      throw failed("commit a batch", e);
    }
    begin();
  }

  private void checkSends() {
    Exception e = failure.get();
    if (e != null) {
      throw failed("send records", e);
    }
  }

  private WalstreamException failed(String doing, Exception e) {
    return KafkaTimeouts.failed(
        config, timeout, doing + " of " + database + " into topic " + topic, e, grants(topic));
  }

  @Override
  public void declareTable(
      String table, List<Snapshot.Column> keys, List<Snapshot.Column> columns) {
    // A topic has no tables.
  }

  @Override
  public void load(List<ChangeRecord> rows) {
    throw new IllegalStateException(
        "a topic restore replays change records; it never starts from a snapshot's rows");
  }

  /** Sends the last transaction with the end header and commits. */
  @Override
  public void commit() {
    commitLast();
    // No transaction is begun after the last: closing with one begun would wait out the timeout.
    producer.close(timeout);
  }

  /**
   * Sends the last transaction with the end header, commits, and goes on in a new Kafka
   * transaction: a mirror's round, after which the topic holds every transaction up to {@link
   * #lastLsn()}.
   */
  public void commitRound() {
    commitLast();
    begin();
  }

  /** Sends the held transaction with the end header and commits the Kafka transaction. */
  private void commitLast() {
    if (held != null) {
      send(held, true);
      held = null;
    }
    try {
      producer.flush();
      checkSends();
      producer.commitTransaction();
      open = false;
    } catch (KafkaException e) {
      abort();
      throw failed("commit the last batch", e);
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
  }

  /** The highest lsn of the database the topic holds or this sink sent, once read; else null. */
  public Long lastLsn() {
    return lastLsn;
  }

  /** Aborts the Kafka transaction in hand; batches committed before stay (a rerun goes on). */
  @Override
  public void abort() {
    try {
      if (open) {
        open = false;
        producer.abortTransaction();
      }
    } catch (KafkaException e) {
      org.slf4j.LoggerFactory.getLogger(KafkaTopicSink.class)
          .warn(
              "Cannot abort the restore's transaction into topic {} ({}); the broker aborts it when"
                  + " it times out or the next restore starts",
              topic,
              e.toString());
    } finally {
      producer.close(Duration.ZERO);
    }
  }

  /** Records written per table. */
  @Override
  public Map<String, Long> rowCounts() {
    return Map.copyOf(recordsPerTable);
  }
}
