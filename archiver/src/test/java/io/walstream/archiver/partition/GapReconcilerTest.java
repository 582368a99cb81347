package io.walstream.archiver.partition;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archiver.commit.CommitCoordinator;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.config.ArchiverConfig.GapPolicy;
import io.walstream.archiver.metrics.ArchiverMetrics;
import io.walstream.archiver.testing.ArchiveContents;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Gap reconciliation without a broker: a source partition held in memory. */
class GapReconcilerTest {
  private static final TopicPartition TP = new TopicPartition("walstream.changes", 0);
  private static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final List<byte[]> topic = new ArrayList<>();
  private long beginning;
  private final List<long[]> reads = new ArrayList<>();

  private final SourceReader source =
      new SourceReader() {
        @Override
        public long beginningOffset(TopicPartition partition) {
          return beginning;
        }

        @Override
        public void read(
            TopicPartition partition,
            long from,
            long to,
            Consumer<ConsumerRecord<byte[], byte[]>> action) {
          reads.add(new long[] {from, to});
          for (long offset = Math.max(from, beginning); offset < to; offset++) {
            action.accept(
                new ConsumerRecord<>(
                    partition.topic(),
                    partition.partition(),
                    offset,
                    null,
                    topic.get((int) offset)));
          }
        }
      };

  private ArchiverRuntime runtime() {
    ArchiverConfig config =
        ArchiverConfig.parse(
            Map.of("archive.uri", "file:///unused", "bootstrap.servers", "unused:9092"));
    return new ArchiverRuntime(
        config,
        new ArchiveWriter(store, "w"),
        new ArchiveReader(store),
        new CommitCoordinator(),
        source,
        ArchiverMetrics.inMemory(),
        Clock.systemUTC(),
        Runnable::run,
        io.walstream.archiver.partition.InputDecoder.SINGLE_OBJECT);
  }

  private PartitionArchiver partition(ArchiverRuntime runtime) {
    return new PartitionArchiver(
        TP,
        runtime.writer(),
        runtime.reader(),
        runtime.metrics(),
        new PartitionArchiver.Limits(1000, 1 << 24, Duration.ofMinutes(1), 4),
        runtime.cutExecutor(),
        InputDecoder.SINGLE_OBJECT);
  }

  private void publish(int count) {
    for (int i = 0; i < count; i++) {
      int n = topic.size();
      topic.add(
          n % 7 == 3 ? new byte[] {1, 2, 3} : bytes(insert("shop", "orders", n, 1 + n, 0, true)));
    }
  }

  @Test
  void shouldReadNothingWhenTheFirstOffsetFollowsTheWatermark() {
    publish(10);
    ArchiverRuntime runtime = runtime();
    PartitionArchiver partition = partition(runtime);

    assertThat(new GapReconciler(runtime, GapPolicy.FAIL).reconcile(partition, partition.open(), 0))
        .isEmpty();
    assertThat(reads).isEmpty();
  }

  @Test
  void shouldArchiveTheSkippedRangeButSendNoDeadLettersAgain() {
    publish(20);
    ArchiverRuntime runtime = runtime();
    PartitionArchiver partition = partition(runtime);

    List<CommittedManifest> committed =
        new GapReconciler(runtime, GapPolicy.FAIL).reconcile(partition, partition.open(), 12);

    assertThat(reads).singleElement().satisfies(r -> assertThat(r).containsExactly(0, 12));
    assertThat(committed)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.manifest().offsets().last()).isEqualTo(11);
              assertThat(m.manifest().offsets().handledThrough()).isEqualTo(11);
            });
    // Offsets 3 and 10 are undecodable: decided, not archived, and not re-sent anywhere.
    assertThat(ArchiveContents.records(store, SHOP)).hasSize(10);
    assertThat(runtime.metrics().count("walstream.archiver.records.replayed")).isEqualTo(12);
  }

  @Test
  void shouldStopNamingTheOffsetsRetentionRemoved() {
    publish(20);
    ArchiverRuntime runtime = runtime();
    PartitionArchiver first = partition(runtime);
    new GapReconciler(runtime, GapPolicy.FAIL).reconcile(first, first.open(), 5);
    beginning = 9;
    PartitionArchiver restarted = partition(runtime);

    assertThatThrownBy(
            () ->
                new GapReconciler(runtime, GapPolicy.FAIL)
                    .reconcile(restarted, restarted.open(), 15))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining(
            "offsets 5 to 8 were removed from the topic before they were archived");
  }

  @Test
  void shouldRecordAGapMarkerAndContinueWhenConfiguredTo() {
    publish(20);
    ArchiverRuntime runtime = runtime();
    PartitionArchiver first = partition(runtime);
    new GapReconciler(runtime, GapPolicy.FAIL).reconcile(first, first.open(), 5);
    beginning = 9;
    PartitionArchiver restarted = partition(runtime);

    List<CommittedManifest> committed =
        new GapReconciler(runtime, GapPolicy.MARK).reconcile(restarted, restarted.open(), 15);

    assertThat(committed)
        .extracting(c -> c.manifest().kind())
        .containsExactly(Manifest.Kind.GAP, Manifest.Kind.SEGMENT);
    assertThat(committed.get(0).manifest().offsets().first()).isEqualTo(5);
    assertThat(committed.get(0).manifest().offsets().last()).isEqualTo(8);
    assertThat(reads.get(reads.size() - 1)).containsExactly(9, 15);
  }
}
