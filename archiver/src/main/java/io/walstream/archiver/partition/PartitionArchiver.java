package io.walstream.archiver.partition;

import io.walstream.archive.format.EncodedRecord;
import io.walstream.archive.format.RecordProbe;
import io.walstream.archive.layout.Names;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.archiver.metrics.ArchiverMetrics;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives one source partition: decides about each record (buffer, skip, or dead-letter), and cuts
 * every stream of the partition together, so that each manifest can record the partition's
 * handled-through offset. Free of Kafka Streams types so that the decisions are testable directly;
 * used from one stream thread at a time.
 */
public final class PartitionArchiver {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionArchiver.class);

  // Per database of this partition; bounded like the streams themselves.
  private final java.util.Map<String, TransactionWatch> watches = new java.util.HashMap<>();
  private static final int MAX_REMEMBERED_NAMES = 10_000;
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);

  /** Cuts of one partition being committed while the next segment fills. */
  static final int MAX_CUTS_IN_FLIGHT = 1;

  private final TopicPartition source;
  private final ArchiveWriter writer;
  private final ArchiveReader reader;
  private final ArchivedRecords archived;
  private final ArchiverMetrics metrics;
  private final Limits limits;
  private final InputDecoder input;
  private final Map<String, StreamBuffer> streams = new LinkedHashMap<>();
  private final java.util.Set<String> validNames = new java.util.HashSet<>();
  private final RecordProbe prober = new RecordProbe();
  private final BodyArena arena = new BodyArena();
  private long lastHandledOffset = -1;
  private long bufferedRecords;
  private long bufferedBytes;
  private long oldestBufferedAtMillis = -1;
  private final SegmentCommitter committer;
  private final Executor executor;
  private final ArrayDeque<PendingCut> pending = new ArrayDeque<>();
  private CompletableFuture<SegmentCommitter.Result> tail = CompletableFuture.completedFuture(null);

  /** A cut handed to the committer: the buffers it took records from, and its outcome. */
  private record PendingCut(
      List<StreamBuffer> buffers, CompletableFuture<SegmentCommitter.Result> result) {}

  /** When to cut. */
  public record Limits(int maxRecords, long maxBytes, Duration maxAge, int lookbackSegments) {}

  public PartitionArchiver(
      TopicPartition source,
      ArchiveWriter writer,
      ArchiveReader reader,
      ArchiverMetrics metrics,
      Limits limits,
      Executor executor,
      InputDecoder input) {
    this.input = input;
    this.source = source;
    this.committer = new SegmentCommitter(writer, metrics);
    this.executor = executor;
    this.writer = writer;
    this.reader = reader;
    this.archived = new ArchivedRecords(reader, limits.lookbackSegments());
    this.metrics = metrics;
    this.limits = limits;
  }

  TopicPartition source() {
    return source;
  }

  /**
   * Loads the heads of every stream the archive knows for this partition.
   *
   * @return the partition's watermark: the highest handled-through offset among the heads, or -1
   *     when the archive holds nothing of this partition
   */
  public long open() {
    long watermark = -1;
    for (StreamId stream : reader.streamsOfPartition(source.topic(), source.partition())) {
      StreamHead head = writer.loadHead(stream);
      streams.put(stream.database(), new StreamBuffer(head));
      watermark = Math.max(watermark, head.handledThroughOffset());
    }
    return watermark;
  }

  /** Decides about the record at {@code offset} and applies the decision to the buffers. */
  public Decision handle(byte[] value, long offset, long nowMillis) {
    metrics.recordIn();
    lastHandledOffset = Math.max(lastHandledOffset, offset);
    EncodedRecord encoded;
    RecordProbe.Result probe;
    try {
      if (CODEC.isCurrentSchema(value)) {
        // The common case: read what is needed from the bytes, keep the body as it is.
        probe = prober.probe(value, SingleObjectCodec.HEADER_SIZE);
        encoded =
            arena.copy(
                value,
                SingleObjectCodec.HEADER_SIZE,
                value.length - SingleObjectCodec.HEADER_SIZE,
                probe.lsn(),
                probe.txIndex(),
                probe.commitTimeMicros());
      } else {
        // Another schema version (or not a record at all): resolve it, then re-encode.
        encoded = EncodedRecord.of(input.decode(value));
        probe = prober.probe(encoded.bytes(), encoded.bodyOffset());
      }
    } catch (DecodeException e) {
      return new Decision.DeadLetter(DeadLetterReason.UNDECODABLE, e.getMessage());
    }
    String invalidName = invalidName(probe);
    if (invalidName != null) {
      return new Decision.DeadLetter(DeadLetterReason.INVALID_NAME, invalidName);
    }
    String invalidRecord = RecordContract.violation(probe, encoded);
    if (invalidRecord != null) {
      return new Decision.DeadLetter(DeadLetterReason.INVALID_RECORD, invalidRecord);
    }
    StreamBuffer buffer = stream(probe.database());
    if (buffer.holdsOffset(offset)) {
      // Re-read after a restart (or behind another deployment). Skipped only if the archive holds
      // this very record: one dead-lettered in a transaction a crash aborted must be again.
      if (offset > buffer.head().lastSourceOffset()
          || archived.holdsAt(buffer.head(), offset, encoded.decode())) {
        metrics.alreadyArchived();
        return Decision.ALREADY_ARCHIVED;
      }
      return duplicateOrRegression(buffer, encoded.decode());
    }
    if (!buffer.follows(probe.lsn(), probe.txIndex())) {
      return duplicateOrRegression(buffer, encoded.decode());
    }
    return buffer(buffer, encoded, probe, offset, value.length, nowMillis);
  }

  /** Adds an admitted record to its stream's buffer. */
  private Decision buffer(
      StreamBuffer buffer,
      EncodedRecord encoded,
      RecordProbe.Result probe,
      long offset,
      int inputBytes,
      long nowMillis) {
    buffer.add(encoded, offset);
    watchTransactions(buffer, probe, offset);
    bufferedRecords++;
    bufferedBytes += inputBytes;
    if (oldestBufferedAtMillis < 0) {
      oldestBufferedAtMillis = nowMillis;
    }
    metrics.buffered();
    return Decision.BUFFERED;
  }

  private void watchTransactions(StreamBuffer buffer, RecordProbe.Result probe, long offset) {
    String seen =
        watches
            .computeIfAbsent(probe.database(), d -> new TransactionWatch())
            .observe(probe.lsn(), probe.txIndex(), probe.txLast(), offset);
    if (seen != null) {
      metrics.incompleteTransaction();
      LOG.warn(
          "Database {}: {} of {}; it is archived as it is, and restores leave it out unless its"
              + " other records are in another input topic",
          probe.database(),
          seen,
          buffer.stream());
    }
  }

  private Decision duplicateOrRegression(StreamBuffer buffer, ChangeRecord record) {
    ChangeRecord same = buffer.bufferedAt(record.getLsn(), record.getTxIndex());
    if (same == null) {
      Optional<ChangeRecord> stored =
          archived.find(buffer.head(), record.getLsn(), record.getTxIndex());
      same = stored.orElse(null);
    }
    if (record.equals(same)) {
      metrics.duplicate();
      return Decision.DUPLICATE;
    }
    return new Decision.DeadLetter(
        DeadLetterReason.LSN_REGRESSION,
        String.format(
            "record (lsn %d, txIndex %d) of %s does not follow the stream%s",
            record.getLsn(),
            record.getTxIndex(),
            buffer.stream(),
            same == null ? "" : " and differs from the record archived at that position"));
  }

  private StreamBuffer stream(String database) {
    return streams.computeIfAbsent(
        database,
        db ->
            new StreamBuffer(
                writer.loadHead(new StreamId(db, source.topic(), source.partition()))));
  }

  private String invalidName(RecordProbe.Result probe) {
    if (!validNames.contains(probe.database())) {
      String problem = Names.problem(probe.database());
      if (problem != null) {
        return "database name: " + problem;
      }
      remember(probe.database());
    }
    if (!validNames.contains(probe.table())) {
      if (!plainName(probe.table())) {
        return "table name: empty or contains control characters";
      }
      remember(probe.table());
    }
    return probe.columnsPlain() ? null : "column name: empty or contains control characters";
  }

  // Names repeat across records: validate each once (bounded, so hostile input cannot grow it).
  private void remember(String name) {
    if (validNames.size() < MAX_REMEMBERED_NAMES) {
      validNames.add(name);
    }
  }

  private static boolean plainName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether a size cap is reached. */
  public boolean full() {
    return bufferedRecords >= limits.maxRecords() || bufferedBytes >= limits.maxBytes();
  }

  /** Whether the oldest buffered record has waited longer than the age cap. */
  public boolean expired(long nowMillis) {
    return oldestBufferedAtMillis >= 0
        && nowMillis - oldestBufferedAtMillis >= limits.maxAge().toMillis();
  }

  public boolean isEmpty() {
    return bufferedRecords == 0;
  }

  public long bufferedRecords() {
    return bufferedRecords;
  }

  /**
   * Hands every non-empty stream buffer to a background cut and returns the manifests of cuts that
   * have landed meanwhile; waits for the oldest cut when {@link #MAX_CUTS_IN_FLIGHT} are still
   * being committed, which bounds the memory held to about that many segments more per partition.
   */
  public List<CommittedManifest> cutInBackground(CutTrigger trigger) {
    submit(trigger);
    List<CommittedManifest> landed = new ArrayList<>();
    while (pending.size() > MAX_CUTS_IN_FLIGHT) {
      landed.addAll(land(pending.poll()));
    }
    landed.addAll(landed());
    return landed;
  }

  /**
   * Cuts what is buffered and waits until every cut of this partition has landed: after it returns,
   * the archive holds every record this partition has accepted. Returns the manifests of every cut
   * that landed since they were last collected.
   */
  public List<CommittedManifest> cut(CutTrigger trigger) {
    submit(trigger);
    List<CommittedManifest> landed = new ArrayList<>();
    while (!pending.isEmpty()) {
      landed.addAll(land(pending.poll()));
    }
    return landed;
  }

  /** The manifests of background cuts that have landed, without waiting; rethrows their failure. */
  public List<CommittedManifest> landed() {
    List<CommittedManifest> landed = new ArrayList<>();
    while (!pending.isEmpty() && pending.peek().result().isDone()) {
      landed.addAll(land(pending.poll()));
    }
    return landed;
  }

  /** Whether a background cut has landed (or failed) and waits to be collected. */
  public boolean hasLanded() {
    return !pending.isEmpty() && pending.peek().result().isDone();
  }

  /**
   * Waits for the cuts still in flight when the task closes. One that fails is only logged: the
   * task is going away, and its records, whose offsets were never committed, are re-read by the
   * partition's next owner.
   */
  public void close() {
    while (!pending.isEmpty()) {
      try {
        land(pending.poll());
      } catch (RuntimeException e) {
        LOG.warn("{}: a cut in flight at close failed; its records will be re-read", source, e);
      }
    }
  }

  private void submit(CutTrigger trigger) {
    List<SegmentCommitter.StreamBatch> batches = new ArrayList<>();
    List<StreamBuffer> buffers = new ArrayList<>();
    for (StreamBuffer buffer : streams.values()) {
      if (!buffer.isEmpty()) {
        buffers.add(buffer);
        batches.add(buffer.detach(lastHandledOffset));
      }
    }
    bufferedRecords = 0;
    bufferedBytes = 0;
    oldestBufferedAtMillis = -1;
    arena.reset();
    if (batches.isEmpty()) {
      return;
    }
    tail = tail.thenApplyAsync(previous -> committer.commit(trigger, batches), executor);
    pending.add(new PendingCut(buffers, tail));
  }

  private List<CommittedManifest> land(PendingCut cut) {
    SegmentCommitter.Result result;
    try {
      result = cut.result().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
    for (StreamBuffer buffer : cut.buffers()) {
      buffer.landed(result.heads().get(buffer.stream()));
    }
    return result.manifests();
  }

  /** Records a GAP manifest in every known stream of this partition (gap.policy=mark). */
  List<CommittedManifest> markGap(long firstMissing, long lastMissing) {
    if (!pending.isEmpty()) {
      throw new IllegalStateException(
          "Cannot mark a gap in " + source + " while cuts are in flight");
    }
    List<CommittedManifest> committed = new ArrayList<>();
    for (StreamBuffer buffer : streams.values()) {
      CommitResult result =
          writer.commitGap(
              buffer.head(),
              firstMissing,
              lastMissing,
              Math.max(lastMissing, buffer.head().handledThroughOffset()));
      if (result instanceof CommitResult.Committed c) {
        buffer.committed(c.head());
        committer.adopt(c.head());
        metrics.gap();
        committed.add(new CommittedManifest(c.manifest(), c.head().manifestSha256()));
      }
    }
    return committed;
  }
}
