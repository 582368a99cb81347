package io.walstream.archiver.partition;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.error.PermanentStorageException;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.testing.FaultyObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archiver.metrics.ArchiverMetrics;
import io.walstream.archiver.testing.ArchiveContents;
import io.walstream.schemas.avro.ChangeRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cuts committed in the background while the stream thread keeps accepting records: the checks that
 * see in-flight records, the wait at commit, the bound on cuts in flight, failures and claims lost
 * while a cut was in flight.
 */
class BackgroundCutTest {
  private static final TopicPartition P0 = new TopicPartition("walstream.changes", 0);
  private static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);

  private final InMemoryObjectStore memory = new InMemoryObjectStore();
  private final FaultyObjectStore store = new FaultyObjectStore(memory);
  private final ArchiverMetrics metrics = ArchiverMetrics.inMemory();
  private final ExecutorService committerThread = Executors.newSingleThreadExecutor();
  private final CountDownLatch gate = new CountDownLatch(1);
  // Holds every cut until the test opens the gate.
  private final Executor gated =
      task ->
          committerThread.execute(
              () -> {
                try {
                  gate.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException("Cannot run the cut: interrupted", e);
                }
                task.run();
              });

  @AfterEach
  void stop() {
    gate.countDown();
    committerThread.shutdownNow();
  }

  private PartitionArchiver partition(int maxRecords) {
    PartitionArchiver partition =
        new PartitionArchiver(
            P0,
            new ArchiveWriter(store, "background"),
            new ArchiveReader(store),
            metrics,
            new PartitionArchiver.Limits(maxRecords, 1 << 24, Duration.ofMinutes(1), 4),
            gated,
            InputDecoder.SINGLE_OBJECT);
    partition.open();
    return partition;
  }

  private static ChangeRecord record(long n) {
    return insert("shop", "orders", n, 100 + n, 0, true);
  }

  private List<ChangeRecord> archived() {
    return ArchiveContents.records(memory, SHOP);
  }

  @Test
  void shouldKeepAcceptingRecordsWhileACutIsInFlightAndHoldThemAllAfterTheCommitCut() {
    PartitionArchiver partition = partition(3);
    for (int n = 0; n < 3; n++) {
      partition.handle(bytes(record(n)), n, 0);
    }
    assertThat(partition.full()).isTrue();
    assertThat(partition.cutInBackground(CutTrigger.SIZE)).isEmpty();

    assertThat(partition.handle(bytes(record(3)), 3, 0)).isEqualTo(Decision.BUFFERED);
    assertThat(partition.handle(bytes(record(4)), 4, 0)).isEqualTo(Decision.BUFFERED);
    assertThat(archived()).isEmpty();
    CompletableFuture<List<CommittedManifest>> commit =
        CompletableFuture.supplyAsync(() -> partition.cut(CutTrigger.COMMIT));
    await().during(Duration.ofMillis(300)).until(() -> !commit.isDone());
    assertThat(archived()).as("nothing lands while the gate is shut").isEmpty();
    gate.countDown();
    List<CommittedManifest> manifests = commit.join();

    assertThat(manifests)
        .extracting(m -> m.manifest().seq(), m -> m.manifest().recordCount())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0L, 3L),
            org.assertj.core.groups.Tuple.tuple(1L, 2L));
    assertThat(archived()).containsExactly(record(0), record(1), record(2), record(3), record(4));
    assertThat(new ChainVerifier(memory).verify(SHOP).findings()).isEmpty();
    assertThat(partition.cut(CutTrigger.COMMIT)).isEmpty();
  }

  @Test
  void shouldJudgeRecordsAgainstACutStillInFlight() {
    PartitionArchiver partition = partition(3);
    for (int n = 0; n < 3; n++) {
      partition.handle(bytes(record(n)), n, 0);
    }
    partition.cutInBackground(CutTrigger.SIZE);

    Decision sameOffset = partition.handle(bytes(record(1)), 1, 0);
    Decision resent = partition.handle(bytes(record(1)), 3, 0);
    ChangeRecord different = insert("shop", "orders", 77, 101, 0, true);
    Decision regression = partition.handle(bytes(different), 4, 0);

    assertThat(sameOffset).isEqualTo(Decision.ALREADY_ARCHIVED);
    assertThat(resent).isEqualTo(Decision.DUPLICATE);
    assertThat(regression)
        .isInstanceOfSatisfying(
            Decision.DeadLetter.class,
            dead -> {
              assertThat(dead.reason()).isEqualTo(DeadLetterReason.LSN_REGRESSION);
              assertThat(dead.detail()).contains("(lsn 101, txIndex 0)");
            });
    gate.countDown();
    partition.cut(CutTrigger.COMMIT);
    assertThat(archived()).containsExactly(record(0), record(1), record(2));
  }

  @Test
  void shouldWaitForTheCutInFlightBeforeTakingAnother() {
    PartitionArchiver partition = partition(3);
    for (int n = 0; n < 3; n++) {
      partition.handle(bytes(record(n)), n, 0);
    }
    assertThat(partition.cutInBackground(CutTrigger.SIZE)).isEmpty();
    for (int n = 3; n < 6; n++) {
      partition.handle(bytes(record(n)), n, 0);
    }

    CompletableFuture<List<CommittedManifest>> second =
        CompletableFuture.supplyAsync(() -> partition.cutInBackground(CutTrigger.SIZE));
    await().during(Duration.ofMillis(300)).until(() -> !second.isDone());
    gate.countDown();

    assertThat(second.join())
        .extracting(m -> m.manifest().seq())
        .as("the first cut lands before the second is handed over")
        .contains(0L);
    partition.cut(CutTrigger.COMMIT);
    assertThat(archived()).hasSize(6);
  }

  @Test
  void shouldRethrowABackgroundFailureAndWriteNothingAfterIt() {
    store.failOn(FaultyObjectStore.Call.PUT, 1, FaultyObjectStore.Fault.PERMANENT);
    PartitionArchiver partition = partition(3);
    for (int n = 0; n < 3; n++) {
      partition.handle(bytes(record(n)), n, 0);
    }
    partition.cutInBackground(CutTrigger.SIZE);
    gate.countDown();
    await().until(partition::hasLanded);
    for (int n = 3; n < 6; n++) {
      partition.handle(bytes(record(n)), n, 0);
    }

    // The next cut is chained after the failed one, so it never runs.
    assertThatThrownBy(() -> partition.cutInBackground(CutTrigger.SIZE))
        .isInstanceOf(PermanentStorageException.class);
    assertThatThrownBy(() -> partition.cut(CutTrigger.COMMIT))
        .isInstanceOf(PermanentStorageException.class);
    assertThat(memory.list("", null, 100).objects()).isEmpty();
  }

  @Test
  void shouldDropWhatAnotherWriterArchivedWhileTheCutWasInFlight() {
    PartitionArchiver partition = partition(2);
    List<ChangeRecord> records = List.of(record(0), record(1), record(2), record(3));
    partition.handle(bytes(records.get(0)), 0, 0);
    partition.handle(bytes(records.get(1)), 1, 0);
    partition.cutInBackground(CutTrigger.SIZE);
    partition.handle(bytes(records.get(2)), 2, 0);
    // Another archiver on the same input gets ahead: it holds the cut in flight and part of the
    // open segment.
    ArchiveWriter other = new ArchiveWriter(memory, "other-writer");
    other.commit(other.loadHead(SHOP), Records.batch(records.subList(0, 3), 0));
    gate.countDown();

    partition.handle(bytes(records.get(3)), 3, 0);
    partition.cut(CutTrigger.COMMIT);

    assertThat(archived()).containsExactlyElementsOf(records);
    assertThat(metrics.count("walstream.archiver.claim.conflicts")).isEqualTo(1);
    assertThat(new ChainVerifier(memory).verify(SHOP).clean()).isTrue();
    assertThat(new ArchiveReader(memory).readManifest(SHOP, 1).orElseThrow().manifest())
        .satisfies(
            m -> {
              assertThat(m.writerId()).isEqualTo("background");
              assertThat(m.offsets().first()).isEqualTo(3);
            });
  }
}
