package io.walstream.archiver.topology;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static io.walstream.archiver.testing.ChangeRecords.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestAvro;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.StreamReport;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archiver.commit.CommitCoordinator;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.metrics.ArchiverMetrics;
import io.walstream.archiver.partition.ArchiverRuntime;
import io.walstream.archiver.testing.ArchiveContents;
import io.walstream.archiver.testing.MutableClock;
import io.walstream.archiver.testing.NoReadBack;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The topology without a broker: every cut trigger, every dead-letter reason, restarts. */
class ArchiverTopologyTest {
  private static final String TOPIC = "walstream.changes";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final StreamId SHOP = new StreamId("shop", TOPIC, 0);
  private static final StreamId BILLING = new StreamId("billing", TOPIC, 0);

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final MutableClock clock =
      new MutableClock(java.time.Instant.parse("2026-11-22T00:00:00Z"));
  private final ArchiverMetrics metrics = ArchiverMetrics.inMemory();
  private final CommitCoordinator coordinator = new CommitCoordinator();
  private final Map<String, Object> settings = new HashMap<>();
  // Commits each cut in place unless a test needs them in the background.
  private java.util.concurrent.Executor cutExecutor = Runnable::run;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> input;
  private TestOutputTopic<byte[], byte[]> dlq;
  private TestOutputTopic<byte[], byte[]> manifests;

  private void start() {
    Map<String, Object> properties = new HashMap<>(settings);
    properties.putIfAbsent(ArchiverConfig.ARCHIVE_URI, "file:///unused");
    properties.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    properties.putIfAbsent(ArchiverConfig.SEGMENT_MAX_RECORDS, 1000);
    properties.putIfAbsent(ArchiverConfig.SEGMENT_MAX_AGE_MS, 5000L);
    ArchiverConfig config = ArchiverConfig.parse(properties);
    ArchiverRuntime runtime =
        new ArchiverRuntime(
            config,
            new ArchiveWriter(store, "ttd-writer"),
            new ArchiveReader(store),
            coordinator,
            new NoReadBack(),
            metrics,
            clock,
            cutExecutor,
            io.walstream.archiver.partition.InputDecoder.SINGLE_OBJECT);
    Properties streams = new Properties();
    streams.putAll(config.streamsProperties());
    driver = new TopologyTestDriver(ArchiverTopology.build(runtime), streams, clock.instant());
    input = driver.createInputTopic(TOPIC, new ByteArraySerializer(), new ByteArraySerializer());
    dlq =
        driver.createOutputTopic(
            "walstream.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    manifests =
        driver.createOutputTopic(
            "walstream.manifests", new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Simulates a crash-free restart: a new driver (offsets start again at 0) on the same archive.
   */
  private void restart() {
    driver.close();
    start();
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  /** What Kafka Streams does before committing the offsets of partition 0. */
  private List<ProducerRecord<byte[], byte[]>> commit() {
    return coordinator.beforeOffsetCommit(Set.of(P0));
  }

  private void pipe(ChangeRecord record) {
    input.pipeInput(key(record.getDatabase()), bytes(record));
  }

  private List<ChangeRecord> archived(StreamId stream) {
    return ArchiveContents.records(store, stream);
  }

  private long manifestCount(StreamId stream) {
    return store.list(ArchiveLayout.streamPrefix(stream), null, 10_000).objects().stream()
        .filter(o -> o.key().endsWith(".manifest.json"))
        .count();
  }

  @Test
  void shouldBufferUntilCommitThenArchiveEveryStreamOfThePartitionTogether() {
    start();
    List<ChangeRecord> shop =
        List.of(
            insert("shop", "orders", 1, 10, 0, false), insert("shop", "orders", 2, 10, 1, true));
    ChangeRecord billing = insert("billing", "invoices", 1, 500, 0, true);
    pipe(shop.get(0));
    pipe(billing);
    pipe(shop.get(1));

    assertThat(store.list("", null, 10).objects()).isEmpty();
    List<ProducerRecord<byte[], byte[]>> published = commit();

    assertThat(archived(SHOP)).containsExactlyElementsOf(shop);
    assertThat(archived(BILLING)).containsExactly(billing);
    assertThat(published).hasSize(2);
    SingleObjectCodec<SegmentManifest> codec = SingleObjectCodec.of(SegmentManifest.class);
    Manifest first = ManifestAvro.fromAvro(codec.decode(published.get(0).value()));
    assertThat(first.stream()).isEqualTo(SHOP);
    assertThat(first.offsets().first()).isZero();
    assertThat(first.offsets().last()).isEqualTo(2);
    assertThat(first.offsets().handledThrough()).isEqualTo(2);
    assertThat(new String(published.get(0).key(), StandardCharsets.UTF_8))
        .isEqualTo(SHOP.toString());
    assertThat(published.get(0).topic()).isEqualTo("walstream.manifests");
    assertThat(commit()).isEmpty();
    assertThat(metrics.registry().find("walstream.archiver.commit.wait").timer().count())
        .isEqualTo(2);
  }

  @Test
  void shouldArchiveAndCountTransactionsThatLookIncompleteInTheirStream() {
    start();
    List<ChangeRecord> records =
        List.of(
            insert("shop", "orders", 1, 10, 0, true),
            // A producer crashed inside lsn 11 and went on with lsn 12.
            insert("shop", "orders", 2, 11, 0, false),
            insert("shop", "orders", 3, 12, 0, false),
            // lsn 12 skips txIndex 1.
            insert("shop", "orders", 4, 12, 2, true),
            insert("shop", "orders", 5, 13, 0, true));
    records.forEach(this::pipe);
    commit();

    assertThat(archived(SHOP)).containsExactlyElementsOf(records);
    assertThat(metrics.count("walstream.archiver.transactions.incomplete")).isEqualTo(2);
  }

  @Test
  void shouldCutWhenMaxRecordsIsReachedAndPublishTheManifest() {
    settings.put(ArchiverConfig.SEGMENT_MAX_RECORDS, 3);
    start();
    for (int i = 0; i < 7; i++) {
      pipe(insert("shop", "orders", i, 100 + i, 0, true));
    }

    assertThat(manifestCount(SHOP)).isEqualTo(2);
    List<TestRecord<byte[], byte[]>> published = manifests.readRecordsToList();
    assertThat(published).hasSize(2);
    commit();
    assertThat(manifestCount(SHOP)).isEqualTo(3);
    assertThat(archived(SHOP)).hasSize(7);
    assertThat(metrics.count("walstream.archiver.segments.written")).isEqualTo(3);
  }

  @Test
  void shouldForwardTheManifestOfABackgroundCutOnceItHasLanded() {
    java.util.concurrent.ExecutorService background =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    cutExecutor = background;
    settings.put(ArchiverConfig.SEGMENT_MAX_RECORDS, 3);
    try {
      start();
      for (int i = 0; i < 3; i++) {
        pipe(insert("shop", "orders", i, 100 + i, 0, true));
      }
      org.awaitility.Awaitility.await().until(() -> manifestCount(SHOP) == 1);
      // Noticed on the stream thread with the next record (or punctuation), then forwarded.
      pipe(insert("shop", "orders", 3, 103, 0, true));

      List<TestRecord<byte[], byte[]>> published = manifests.readRecordsToList();
      assertThat(published).hasSize(1);
      Manifest first =
          ManifestAvro.fromAvro(
              SingleObjectCodec.of(SegmentManifest.class).decode(published.get(0).value()));
      assertThat(first.recordCount()).isEqualTo(3);
      assertThat(commit()).hasSize(1);
      assertThat(archived(SHOP)).hasSize(4);
    } finally {
      background.shutdownNow();
    }
  }

  @Test
  void shouldCutWhenMaxBytesIsReached() {
    settings.put(ArchiverConfig.SEGMENT_MAX_BYTES, 1024L);
    start();
    int size = bytes(insert("shop", "orders", 0, 100, 0, true)).length;
    int needed = (1024 + size - 1) / size;
    for (int i = 0; i < needed; i++) {
      pipe(insert("shop", "orders", i, 100 + i, 0, true));
    }

    assertThat(manifestCount(SHOP)).isEqualTo(1);
    assertThat(archived(SHOP)).hasSize(needed);
  }

  @Test
  void shouldCutOnTheWallClockWhenTheOldestRecordIsTooOld() {
    settings.put(ArchiverConfig.SEGMENT_MAX_AGE_MS, 2000L);
    start();
    pipe(insert("shop", "orders", 1, 100, 0, true));
    clock.advance(Duration.ofMillis(1500));
    driver.advanceWallClockTime(Duration.ofMillis(1500));
    assertThat(manifestCount(SHOP)).isZero();

    clock.advance(Duration.ofMillis(600));
    driver.advanceWallClockTime(Duration.ofMillis(600));

    assertThat(manifestCount(SHOP)).isEqualTo(1);
    assertThat(manifests.readRecordsToList()).hasSize(1);
  }

  @Test
  void shouldSkipWhatTheArchiveHoldsWhenRestartedAndRereadingFromTheStart() {
    start();
    List<ChangeRecord> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(insert("shop", "orders", i, 100 + i, 0, true));
    }
    records.subList(0, 3).forEach(this::pipe);
    commit();
    pipe(records.get(3));

    restart();
    records.forEach(this::pipe);
    commit();

    assertThat(archived(SHOP)).containsExactlyElementsOf(records);
    assertThat(metrics.count("walstream.archiver.records.skipped", "reason", "already-archived"))
        .isEqualTo(3);
    assertThat(new ChainVerifier(store).verify(SHOP).findings()).isEmpty();
  }

  @Test
  void shouldSendUndecodableRecordsToTheDeadLetterTopicWithHeaders() {
    start();
    RecordHeaders original = new RecordHeaders();
    original.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
    input.pipeInput(new TestRecord<>(key("shop"), new byte[] {1, 2, 3}, original));
    pipe(insert("shop", "orders", 1, 100, 0, true));

    TestRecord<byte[], byte[]> dead = dlq.readRecord();
    assertThat(dead.value()).containsExactly(1, 2, 3);
    assertThat(dead.key()).isEqualTo(key("shop"));
    assertThat(DeadLetters.header(dead.headers(), "trace")).isEqualTo("abc");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("undecodable");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.DETAIL)).contains("bad marker 01 02");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(TOPIC);
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.TIME))
        .isEqualTo("2026-11-22T00:00:00Z");
    assertThat(dlq.isEmpty()).isTrue();
    commit();
    assertThat(archived(SHOP)).hasSize(1);
    assertThat(metrics.count("walstream.archiver.dlq.records", "reason", "undecodable"))
        .isEqualTo(1);
  }

  @Test
  void shouldSendInvalidNamesToTheDeadLetterTopic() {
    start();
    pipe(insert("bad\u0000db", "orders", 1, 100, 0, true));
    pipe(insert("shop", "", 1, 100, 0, true));

    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead)
        .extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
        .containsExactly("invalid-name", "invalid-name");
    assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.DETAIL))
        .contains("control character U+0000");
    assertThat(DeadLetters.header(dead.get(1).headers(), DeadLetters.DETAIL))
        .contains("table name");
  }

  @Test
  void shouldSendRecordsBreakingTheContractToTheDeadLetterTopic() {
    start();
    ChangeRecord noAfter = insert("shop", "orders", 1, 100, 0, true);
    noAfter.setAfter(null);
    pipe(noAfter);

    TestRecord<byte[], byte[]> dead = dlq.readRecord();
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("invalid-record");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.DETAIL))
        .isEqualTo("INSERT without an after image");
  }

  @Test
  void shouldDeadLetterADecimalWithoutUnscaledBytesWhichNoRestoreCouldApply() {
    start();
    ChangeRecord empty = insert("shop", "orders", 1, 100, 0, true);
    Map<String, Object> after = new LinkedHashMap<>(empty.getAfter());
    after.put("total", new DecimalValue(ByteBuffer.allocate(0), 2));
    empty.setAfter(after);
    ChangeRecord next = insert("shop", "orders", 2, 101, 0, true);
    pipe(empty);
    pipe(next);
    commit();

    TestRecord<byte[], byte[]> dead = dlq.readRecord();
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("invalid-record");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.DETAIL))
        .startsWith("decimal after.total has an empty unscaled value");
    assertThat(dead.value()).isEqualTo(bytes(empty));
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(archived(SHOP)).containsExactly(next);
  }

  @Test
  void shouldSkipExactDuplicatesAndDeadLetterOtherRegressions() {
    start();
    ChangeRecord first = insert("shop", "orders", 1, 100, 0, false);
    ChangeRecord second = insert("shop", "orders", 2, 100, 1, true);
    ChangeRecord third = insert("shop", "orders", 3, 101, 0, true);
    pipe(first);
    pipe(second);
    commit();
    pipe(third);
    pipe(second);
    pipe(third);
    pipe(insert("shop", "orders", 99, 100, 1, true));

    commit();
    assertThat(archived(SHOP)).containsExactly(first, second, third);
    assertThat(metrics.count("walstream.archiver.records.skipped", "reason", "duplicate"))
        .isEqualTo(2);
    TestRecord<byte[], byte[]> dead = dlq.readRecord();
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("lsn-regression");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.DETAIL))
        .contains("(lsn 100, txIndex 1)")
        .contains("differs from the record archived at that position");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("5");
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldDeadLetterAgainARecordWhoseDeadLetterACrashAbortedWhenItIsReread() {
    start();
    ChangeRecord a = insert("shop", "orders", 1, 100, 0, true);
    ChangeRecord late = insert("shop", "orders", 9, 100, 0, true);
    ChangeRecord b = insert("shop", "orders", 2, 101, 0, true);
    pipe(a);
    pipe(late);
    pipe(b);
    assertThat(dlq.readRecordsToList()).hasSize(1);
    // The archive write happens in the commit hook; a crash before Kafka's commit aborts the
    // transaction with the dead letter in it, and the next run re-reads from offset 0.
    commit();
    restart();
    pipe(a);
    pipe(late);
    pipe(b);

    commit();
    assertThat(archived(SHOP)).containsExactly(a, b);
    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON))
        .isEqualTo("lsn-regression");
    assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
    assertThat(metrics.count("walstream.archiver.records.skipped", "reason", "already-archived"))
        .isEqualTo(2);
  }

  @Test
  void shouldRecogniseDuplicatesFromTheArchiveAfterARestart() {
    start();
    ChangeRecord a = insert("shop", "orders", 1, 100, 0, true);
    ChangeRecord b = insert("shop", "orders", 2, 101, 0, true);
    pipe(a);
    pipe(b);
    commit();
    restart();
    pipe(a);
    pipe(b);
    pipe(a);

    commit();
    assertThat(archived(SHOP)).containsExactly(a, b);
    assertThat(metrics.count("walstream.archiver.records.skipped", "reason", "duplicate"))
        .isEqualTo(1);
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldDropWhatAnotherWriterArchivedWhenItLosesAClaim() {
    start();
    ChangeRecord a = insert("shop", "orders", 1, 100, 0, true);
    ChangeRecord b = insert("shop", "orders", 2, 101, 0, true);
    pipe(a);
    pipe(b);
    // Another archiver on the same input commits the first record before this one cuts.
    ArchiveWriter other = new ArchiveWriter(store, "other-writer");
    other.commit(other.loadHead(SHOP), io.walstream.archive.testing.Records.batch(List.of(a), 0));

    commit();

    assertThat(archived(SHOP)).containsExactly(a, b);
    assertThat(metrics.count("walstream.archiver.claim.conflicts")).isEqualTo(1);
    StreamReport report = new ChainVerifier(store).verify(SHOP);
    assertThat(report.clean()).isTrue();
    // The losing attempt's segment stays behind, uncommitted, and is reported as such.
    assertThat(report.findings())
        .extracting(f -> f.kind())
        .containsExactly(io.walstream.archive.verify.Finding.Kind.UNCOMMITTED_SEGMENT);
    assertThat(new ArchiveReader(store).readManifest(SHOP, 0).orElseThrow().manifest().writerId())
        .isEqualTo("other-writer");
  }

  @Test
  void shouldArchiveEachInputTopicAsItsOwnStream() {
    settings.put(ArchiverConfig.INPUT_TOPICS, "walstream.changes,other.changes");
    start();
    TestInputTopic<byte[], byte[]> other =
        driver.createInputTopic(
            "other.changes", new ByteArraySerializer(), new ByteArraySerializer());
    pipe(insert("shop", "orders", 1, 100, 0, true));
    ChangeRecord fromOther = insert("shop", "orders", 1, 7, 0, true);
    other.pipeInput(key("shop"), bytes(fromOther));

    coordinator.beforeOffsetCommit(Set.of(P0, new TopicPartition("other.changes", 0)));

    assertThat(archived(SHOP)).hasSize(1);
    assertThat(archived(new StreamId("shop", "other.changes", 0))).containsExactly(fromOther);
  }

  @Test
  void shouldCountEveryRecordExactlyOnceAcrossDecisions() {
    start();
    pipe(insert("shop", "orders", 1, 100, 0, true));
    input.pipeInput(key("x"), new byte[] {9});
    pipe(insert("shop", "orders", 1, 100, 0, true));
    pipe(insert("shop", "orders", 2, 99, 0, true));

    commit();
    double in = metrics.count("walstream.archiver.records.in");
    double buffered = metrics.count("walstream.archiver.records.buffered");
    double duplicates = metrics.count("walstream.archiver.records.skipped", "reason", "duplicate");
    double dead = dlq.readRecordsToList().size();
    assertThat(in).isEqualTo(4);
    assertThat(buffered + duplicates + dead).isEqualTo(in);
  }

  /** TopologyTestDriver always starts at offset 0: nothing to read back. */
}
