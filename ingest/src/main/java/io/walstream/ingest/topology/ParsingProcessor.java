package io.walstream.ingest.topology;

import io.walstream.ingest.assemble.IngestDeadLetterReason;
import io.walstream.ingest.assemble.SnapshotId;
import io.walstream.ingest.assemble.StagedEvent;
import io.walstream.ingest.config.IngestConfig;
import io.walstream.ingest.connect.CommitLsnHeader;
import io.walstream.ingest.debezium.DebeziumEvent;
import io.walstream.ingest.debezium.DebeziumJson;
import io.walstream.ingest.debezium.MappingException;
import io.walstream.ingest.metrics.IngestMetrics;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.value.Values;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The first stage: reads each Debezium record (a change or a transaction boundary), maps it, and
 * hands it on under one key, so that the assembling stage sees every event in one place. An event
 * that cannot be mapped goes to the dead-letter topic as it came, with the reason; a tombstone is
 * counted and skipped; BEGIN carries nothing the assembler needs.
 */
final class ParsingProcessor implements Processor<byte[], byte[], String, byte[]> {
  /** The one key of the stage between: all events of the source meet in one partition. */
  static final String ROUTE = "source";

  private final DebeziumJson parser;
  private final String transactionTopic;
  private final IngestMetrics metrics;
  private final OnePartition guard;
  private ProcessorContext<String, byte[]> context;

  ParsingProcessor(
      DebeziumJson parser, String transactionTopic, IngestMetrics metrics, OnePartition guard) {
    this.parser = parser;
    this.transactionTopic = transactionTopic;
    this.metrics = metrics;
    this.guard = guard;
  }

  /**
   * The one-stage shape's condition, checked as each task starts: a task for an input partition
   * other than 0 means an input topic has more than one partition, whose events would be assembled
   * apart from the rest of their transactions; the ingest stops before reading any of them.
   */
  record OnePartition(IngestConfig.Stages shape, IngestConfig.Stages configured) {
    void check(TaskId task) {
      if (shape != IngestConfig.Stages.ONE || task.partition() == 0) {
        return;
      }
      throw IngestTopology.notInOnePartition(
          configured, "An input topic of the ingest has a partition " + task.partition(), null);
    }
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    guard.check(context.taskId());
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
    try {
      if (topic.equals(transactionTopic)) {
        boundary(record);
      } else {
        change(record);
      }
    } catch (MappingException e) {
      RecordMetadata where = context.recordMetadata().orElseThrow();
      metrics.deadLetter(IngestDeadLetterReason.UNMAPPABLE);
      Headers headers =
          Staged.deadLetterHeaders(
              IngestDeadLetterReason.UNMAPPABLE,
              e.getMessage(),
              "",
              where.topic(),
              where.partition(),
              where.offset());
      byte[] value = record.value() == null ? new byte[0] : record.value();
      context.forward(
          new Record<>(ROUTE, Staged.wrap(Staged.DEAD, value), record.timestamp(), headers));
    }
  }

  private void boundary(Record<byte[], byte[]> record) {
    metrics.boundary();
    DebeziumEvent.Boundary boundary =
        parser.boundary(record.value(), longHeader(record.headers(), CommitLsnHeader.HEADER));
    if (boundary.status() == DebeziumEvent.Status.BEGIN) {
      return;
    }
    Optional<Long> snapshotLsn = longHeader(record.headers(), CommitLsnHeader.SNAPSHOT_LSN);
    Optional<Long> snapshotCount = longHeader(record.headers(), CommitLsnHeader.SNAPSHOT_COUNT);
    if (snapshotLsn.isPresent() && snapshotCount.isPresent()) {
      // The snapshot precedes this transaction in commit order: it takes its place in the queue
      // of ENDs first, should its last row not have reached the assembler yet.
      forwardSnapshotEnd(
          record, snapshotLsn.get(), snapshotCount.get(), boundary.commitTimeMicros());
    }
    forward(
        record,
        StagedEvent.encode(
            new StagedEvent.End(
                boundary.id(),
                boundary.eventCount(),
                boundary.commitLsn().orElse(StagedEvent.End.NO_LSN),
                boundary.commitTimeMicros(),
                boundary.collections())));
  }

  private void change(Record<byte[], byte[]> record) {
    DebeziumEvent event = parser.change(record.key(), record.value());
    if (event instanceof DebeziumEvent.Tombstone) {
      metrics.tombstone();
      return;
    }
    metrics.change();
    DebeziumEvent.Change change = (DebeziumEvent.Change) event;
    Optional<DebeziumEvent.TransactionPlace> place = place(change, record.headers());
    ChangeRecord mapped =
        ChangeRecord.newBuilder()
            .setDatabase(change.database())
            .setTable(change.table())
            .setOp(change.op())
            .setKey(change.key())
            .setAfter(change.after())
            .setBefore(change.before())
            .setLsn(change.sourceLsn())
            .setTxIndex(0)
            .setTxLast(true)
            .setCommitTime(Values.fromMicros(change.commitTimeMicros()))
            .setSchemaVersion(0)
            .build();
    forward(
        record,
        StagedEvent.encode(
            StagedEvent.Change.of(
                place.map(DebeziumEvent.TransactionPlace::id).orElse(""),
                place.map(DebeziumEvent.TransactionPlace::totalOrder).orElse(0L),
                mapped)));
    if (change.origin() == DebeziumEvent.Origin.SNAPSHOT) {
      Optional<Long> count = longHeader(record.headers(), CommitLsnHeader.SNAPSHOT_COUNT);
      if (count.isPresent()) {
        // The snapshot's last row: the snapshot ends here, as a transaction ends at its END.
        forwardSnapshotEnd(record, change.sourceLsn(), count.get(), change.commitTimeMicros());
      }
    }
  }

  /**
   * The change's place in its transaction. The rows of a blocking snapshot form one transaction at
   * the snapshot's LSN, numbered by the commit-LSN transform in the order the connector read them.
   */
  private static Optional<DebeziumEvent.TransactionPlace> place(
      DebeziumEvent.Change change, Headers headers) {
    return switch (change.origin()) {
      case STREAM -> change.transaction();
      case SNAPSHOT -> Optional.of(snapshotPlace(change, headers));
      case INCREMENTAL_SNAPSHOT ->
          throw new MappingException(
              "A row of "
                  + change.table()
                  + " read by an incremental snapshot: incremental snapshots are not supported"
                  + " (docs/DEBEZIUM.md)");
    };
  }

  private static DebeziumEvent.TransactionPlace snapshotPlace(
      DebeziumEvent.Change change, Headers headers) {
    Optional<Long> order = longHeader(headers, CommitLsnHeader.SNAPSHOT_ORDER);
    if (order.isEmpty()) {
      throw new MappingException(
          "A snapshot row of "
              + change.table()
              + " has no "
              + CommitLsnHeader.SNAPSHOT_ORDER
              + " header: add the transform "
              + CommitLsnHeader.class.getName()
              + " to the connector");
    }
    if (change.sourceLsn() < 0) {
      throw new MappingException("A snapshot row of " + change.table() + " has no source.lsn");
    }
    return new DebeziumEvent.TransactionPlace(SnapshotId.of(change.sourceLsn()), order.get());
  }

  private void forwardSnapshotEnd(
      Record<byte[], byte[]> record, long lsn, long count, long commitTimeMicros) {
    forward(
        record,
        StagedEvent.encode(
            new StagedEvent.End(SnapshotId.of(lsn), count, lsn, commitTimeMicros, Map.of())));
  }

  private void forward(Record<byte[], byte[]> record, byte[] staged) {
    context.forward(new Record<>(ROUTE, Staged.wrap(Staged.ON, staged), record.timestamp(), null));
  }

  /** A number the CommitLsnHeader transform put in a header, if it did. */
  private static Optional<Long> longHeader(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    if (header == null || header.value() == null) {
      return Optional.empty();
    }
    String text = new String(header.value(), StandardCharsets.UTF_8).trim();
    try {
      return Optional.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw new MappingException("Header " + name + " is not a number: '" + text + "'", e);
    }
  }
}
