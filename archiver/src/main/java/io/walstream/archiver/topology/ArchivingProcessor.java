package io.walstream.archiver.topology;

import io.walstream.archive.format.ManifestAvro;
import io.walstream.archiver.commit.CommitCoordinator;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.partition.ArchiverRuntime;
import io.walstream.archiver.partition.CommittedManifest;
import io.walstream.archiver.partition.CutTrigger;
import io.walstream.archiver.partition.Decision;
import io.walstream.archiver.partition.GapReconciler;
import io.walstream.archiver.partition.PartitionArchiver;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives the records of one task's input partitions. Each record gets exactly one {@link
 * Decision}; dead letters are forwarded to the dead-letter sink with their reason in headers. Cuts
 * happen on the size caps (here) and on the age cap (a wall-clock punctuator), committed in the
 * background while records keep coming; before every offset commit (through the {@link
 * CommitCoordinator}) the rest is cut and every cut of the partition waited for. Manifests of cuts
 * that land between commits are forwarded as they are noticed, the others with the commit.
 */
final class ArchivingProcessor implements Processor<byte[], byte[], byte[], byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(ArchivingProcessor.class);
  private static final SingleObjectCodec<SegmentManifest> MANIFEST_CODEC =
      SingleObjectCodec.of(SegmentManifest.class);

  private final ArchiverRuntime runtime;
  private final ArchiverConfig config;
  private final Map<TopicPartition, PartitionArchiver> partitions = new HashMap<>();
  private final Map<TopicPartition, CommitCoordinator.PartitionCut> cuts = new HashMap<>();
  private ProcessorContext<byte[], byte[]> context;

  private final String manifestsSink;
  private final String deadLettersSink;

  /**
   * @param manifestsSink the child node committed manifests are forwarded to
   * @param deadLettersSink the child node dead letters are forwarded to
   */
  ArchivingProcessor(ArchiverRuntime runtime, String manifestsSink, String deadLettersSink) {
    this.runtime = runtime;
    this.config = runtime.config();
    this.manifestsSink = manifestsSink;
    this.deadLettersSink = deadLettersSink;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    long interval = Math.max(10, Math.min(1000, config.segmentMaxAge().toMillis() / 2));
    context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata metadata =
        context
            .recordMetadata()
            .orElseThrow(
                () -> new IllegalStateException("Cannot archive a record without source metadata"));
    TopicPartition source = new TopicPartition(metadata.topic(), metadata.partition());
    PartitionArchiver partition = partitions.get(source);
    if (partition == null) {
      partition = open(source, metadata.offset());
    }
    Decision decision = partition.handle(record.value(), metadata.offset(), now());
    if (decision instanceof Decision.DeadLetter dead) {
      deadLetter(record.key(), record.value(), record.headers(), source, metadata.offset(), dead);
    }
    if (partition.full()) {
      forward(partition.cutInBackground(CutTrigger.SIZE));
    } else if (partition.hasLanded()) {
      forward(partition.landed());
    }
  }

  private PartitionArchiver open(TopicPartition source, long firstOffset) {
    PartitionArchiver partition =
        new PartitionArchiver(
            source,
            runtime.writer(),
            runtime.reader(),
            runtime.metrics(),
            new PartitionArchiver.Limits(
                config.segmentMaxRecords(),
                config.segmentMaxBytes(),
                config.segmentMaxAge(),
                config.duplicateLookbackSegments()),
            runtime.cutExecutor(),
            runtime.inputDecoder());
    long watermark = partition.open();
    new GapReconciler(runtime, config.gapPolicy())
        .reconcile(partition, watermark, firstOffset)
        .forEach(this::forwardOne);
    partitions.put(source, partition);
    CommitCoordinator.PartitionCut cut =
        () -> {
          long start = System.nanoTime();
          List<ProducerRecord<byte[], byte[]>> manifests =
              manifestRecords(partition.cut(CutTrigger.COMMIT));
          runtime.metrics().commitWait(Duration.ofNanos(System.nanoTime() - start));
          return manifests;
        };
    cuts.put(source, cut);
    runtime.coordinator().register(source, cut);
    return partition;
  }

  private void deadLetter(
      byte[] key,
      byte[] value,
      Headers headers,
      TopicPartition source,
      long offset,
      Decision.DeadLetter dead) {
    runtime.metrics().deadLetter(dead.reason());
    Headers dlqHeaders =
        DeadLetters.headers(
            headers,
            dead.reason(),
            dead.detail(),
            source.topic(),
            source.partition(),
            offset,
            runtime.clock().instant());
    context.forward(
        new Record<>(key, value, context.currentSystemTimeMs(), dlqHeaders), deadLettersSink);
  }

  private void punctuate(long timestamp) {
    long now = now();
    for (PartitionArchiver partition : partitions.values()) {
      if (partition.expired(now)) {
        forward(partition.cutInBackground(CutTrigger.AGE));
      } else if (partition.hasLanded()) {
        forward(partition.landed());
      }
    }
  }

  private void forward(List<CommittedManifest> manifests) {
    manifests.forEach(this::forwardOne);
  }

  private void forwardOne(CommittedManifest committed) {
    ProducerRecord<byte[], byte[]> record = manifestRecord(config.manifestsTopic(), committed);
    context.forward(
        new Record<>(record.key(), record.value(), context.currentSystemTimeMs()), manifestsSink);
  }

  private List<ProducerRecord<byte[], byte[]>> manifestRecords(List<CommittedManifest> manifests) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (CommittedManifest committed : manifests) {
      records.add(manifestRecord(config.manifestsTopic(), committed));
    }
    return records;
  }

  /** The manifests-topic record of a committed manifest: keyed by stream, Avro value. */
  static ProducerRecord<byte[], byte[]> manifestRecord(String topic, CommittedManifest committed) {
    byte[] key = committed.manifest().stream().toString().getBytes(StandardCharsets.UTF_8);
    byte[] value =
        MANIFEST_CODEC.encode(ManifestAvro.toAvro(committed.manifest(), committed.sha256()));
    return new ProducerRecord<>(topic, key, value);
  }

  private long now() {
    return runtime.clock().millis();
  }

  @Override
  public void close() {
    for (Map.Entry<TopicPartition, PartitionArchiver> entry : partitions.entrySet()) {
      runtime.coordinator().unregister(entry.getKey(), cuts.get(entry.getKey()));
      entry.getValue().close();
      if (!entry.getValue().isEmpty()) {
        // Not committed to the archive, so their offsets were not committed either: the next
        // owner of the partition re-reads them.
        LOG.info(
            "Closing {} with {} records not yet archived; they will be re-read",
            entry.getKey(),
            entry.getValue().bufferedRecords());
      }
    }
    partitions.clear();
    cuts.clear();
  }
}
