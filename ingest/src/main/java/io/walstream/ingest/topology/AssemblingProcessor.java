package io.walstream.ingest.topology;

import io.walstream.ingest.assemble.AssemblerLimits;
import io.walstream.ingest.assemble.IngestDeadLetterReason;
import io.walstream.ingest.assemble.StagedEvent;
import io.walstream.ingest.assemble.TransactionAssembler;
import io.walstream.ingest.metrics.IngestMetrics;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.time.Duration;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The second stage: feeds staged events to the {@link TransactionAssembler} (with transaction
 * metadata) or releases each change as its own transaction at its source LSN (without), and
 * forwards released ChangeRecords keyed by database. Expires waiting transactions once a second.
 */
final class AssemblingProcessor implements Processor<String, byte[], String, byte[]> {
  private static final SingleObjectCodec<ChangeRecord> RECORDS =
      SingleObjectCodec.of(ChangeRecord.class);

  private final String storeName;
  private final boolean withMetadata;
  private final AssemblerLimits limits;
  private final IngestMetrics metrics;
  private ProcessorContext<String, byte[]> context;
  private TransactionAssembler assembler;

  AssemblingProcessor(
      String storeName, boolean withMetadata, AssemblerLimits limits, IngestMetrics metrics) {
    this.storeName = storeName;
    this.withMetadata = withMetadata;
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    KeyValueStore<String, byte[]> store = context.getStateStore(storeName);
    this.assembler =
        new TransactionAssembler(
            store,
            limits,
            new TransactionAssembler.Output() {
              @Override
              public void release(ChangeRecord record) {
                forwardRecord(record);
              }

              @Override
              public void deadLetter(
                  ChangeRecord record,
                  IngestDeadLetterReason reason,
                  String detail,
                  String transactionId) {
                forwardDead(RECORDS.encode(record), reason, detail, transactionId);
              }
            });
    context.schedule(
        Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> assembler.expire(now));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    byte[] staged = Staged.body(record.value());
    StagedEvent event = StagedEvent.decode(staged);
    long now = context.currentSystemTimeMs();
    if (event instanceof StagedEvent.End end) {
      assembler.end(end, now);
      return;
    }
    StagedEvent.Change change = (StagedEvent.Change) event;
    if (change.inTransaction()) {
      assembler.change(change, staged, now);
      return;
    }
    ChangeRecord mapped = change.record();
    if (withMetadata) {
      forwardDead(
          change.encodedRecord(),
          IngestDeadLetterReason.NO_TRANSACTION,
          "a change of " + mapped.getTable() + " without transaction metadata",
          "");
    } else if (mapped.getLsn() < 0) {
      forwardDead(
          change.encodedRecord(),
          IngestDeadLetterReason.NO_SOURCE_LSN,
          "a change of " + mapped.getTable() + " without source.lsn",
          "");
    } else {
      // Its own transaction, at its own LSN (txIndex 0, txLast as staged).
      forwardRecord(mapped);
    }
  }

  private void forwardRecord(ChangeRecord record) {
    metrics.released();
    if (record.getTxLast()) {
      metrics.transactionReleased();
    }
    context.forward(
        new Record<>(
            record.getDatabase(),
            Staged.wrap(Staged.ON, RECORDS.encode(record)),
            context.currentSystemTimeMs(),
            null));
  }

  private void forwardDead(
      byte[] value, IngestDeadLetterReason reason, String detail, String transactionId) {
    metrics.deadLetter(reason);
    // The value is the mapped change, which names its database and table; where it sat in its
    // Debezium topic is behind the stage between, so the source headers stay empty.
    Headers headers = Staged.deadLetterHeaders(reason, detail, transactionId, "", -1, -1);
    context.forward(
        new Record<>(
            ParsingProcessor.ROUTE,
            Staged.wrap(Staged.DEAD, value),
            context.currentSystemTimeMs(),
            headers));
  }
}
