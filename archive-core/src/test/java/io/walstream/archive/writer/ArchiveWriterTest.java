package io.walstream.archive.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.OutcomeUnknownException;
import io.walstream.archive.error.PermanentStorageException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestCodec;
import io.walstream.archive.format.Position;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.ForwardingObjectStore.Call;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.testing.FaultyObjectStore;
import io.walstream.archive.testing.FaultyObjectStore.Fault;
import io.walstream.archive.testing.Records;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.verify.StreamReport;
import io.walstream.schemas.avro.ChangeRecord;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArchiveWriterTest {
  private static final StreamId STREAM = new StreamId("shop", "walstream.changes", 0);
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final ArchiveWriter writer = new ArchiveWriter(store, "writer-a");

  /** Commits {@code count} batches of 2 transactions x 3 records and returns the final head. */
  private StreamHead commitBatches(ArchiveWriter w, int count) {
    StreamHead head = w.loadHead(STREAM);
    for (int i = 0; i < count; i++) {
      long lsn = 10 + 2L * (head.seq() + 1);
      Batch batch =
          Records.batch(Records.transactions("shop", lsn, 2, 3), head.lastSourceOffset() + 1);
      head = ((CommitResult.Committed) w.commit(head, batch)).head();
    }
    return head;
  }

  @Test
  void shouldCommitSegmentManifestAndIndexesWhenStreamIsNew() {
    StreamHead empty = writer.loadHead(STREAM);
    List<ChangeRecord> records = Records.transactions("shop", 100, 2, 3);

    CommitResult result = writer.commit(empty, Records.batch(records, 0));

    assertThat(empty.isEmpty()).isTrue();
    assertThat(result).isInstanceOf(CommitResult.Committed.class);
    Manifest.Segment manifest = (Manifest.Segment) ((CommitResult.Committed) result).manifest();
    assertThat(manifest.seq()).isZero();
    assertThat(manifest.link().prevManifestSha256()).isNull();
    assertThat(manifest.recordCount()).isEqualTo(6);
    assertThat(manifest.first()).isEqualTo(new Position(100, 0));
    assertThat(manifest.last()).isEqualTo(new Position(101, 2));
    assertThat(manifest.writerId()).isEqualTo("writer-a");
    assertThat(store.stat(manifest.segment().key())).isPresent();
    byte[] stored = store.readAll(ArchiveLayout.manifestKey(STREAM, 0)).orElseThrow();
    assertThat(stored).isEqualTo(ManifestCodec.encode(manifest));
    assertThat(new ArchiveReader(store).streamsOfDatabase("shop")).containsExactly(STREAM);
    assertThat(new ArchiveReader(store).streamsOfPartition("walstream.changes", 0))
        .containsExactly(STREAM);
    StreamHead head = ((CommitResult.Committed) result).head();
    assertThat(head.seq()).isZero();
    assertThat(head.lastSourceOffset()).isEqualTo(5);
    assertThat(head.lastLsn()).isEqualTo(101);
    assertThat(head.lastTxIndex()).isEqualTo(2);
    assertThat(head.manifestSha256()).isEqualTo(Sha256.hex(stored));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 100})
  void shouldLoadTheLastCommittedHeadWhenStreamHasNManifests(int count) {
    StreamHead committed = commitBatches(writer, count);

    StreamHead loaded = writer.loadHead(STREAM);

    assertThat(loaded).isEqualTo(committed);
    assertThat(loaded.seq()).isEqualTo(count - 1);
  }

  @Test
  void shouldRefuseToExtendAChainWhoseHeadManifestIsGone() {
    StreamHead head = commitBatches(writer, 2);
    String headKey = ArchiveLayout.manifestKey(STREAM, 1);
    store.delete(headKey);
    Batch next =
        Records.batch(Records.transactions("shop", 100, 1, 1), head.lastSourceOffset() + 1);

    assertThatThrownBy(() -> writer.commit(head, next))
        .isInstanceOfSatisfying(
            IntegrityException.class, e -> assertThat(e.key()).isEqualTo(headKey))
        .hasMessageContaining("Cannot commit seq 2 of " + STREAM)
        .hasMessageContaining("is gone from the archive");
    assertThatThrownBy(() -> writer.commitGap(head, 7, 9, 9))
        .isInstanceOf(IntegrityException.class);
    assertThat(store.stat(ArchiveLayout.manifestKey(STREAM, 2))).isEmpty();
  }

  @Test
  void shouldChainManifestsByTheHashOfTheirPredecessor() {
    commitBatches(writer, 3);
    byte[] first = store.readAll(ArchiveLayout.manifestKey(STREAM, 1)).orElseThrow();
    Manifest second =
        ManifestCodec.decode(
            store.readAll(ArchiveLayout.manifestKey(STREAM, 2)).orElseThrow(), "k");

    assertThat(second.link().prevManifestSha256()).isEqualTo(Sha256.hex(first));
    assertThat(new ChainVerifier(store).verify(STREAM).findings()).isEmpty();
  }

  @Test
  void shouldReportAHoleRatherThanMistakeItForTheEndWhenLoadingHead() {
    commitBatches(writer, 8);
    String missing = ArchiveLayout.manifestKey(STREAM, 4);
    store.delete(missing);

    assertThatThrownBy(() -> writer.loadHead(STREAM))
        .isInstanceOfSatisfying(
            IntegrityException.class, e -> assertThat(e.key()).isEqualTo(missing))
        .hasMessageContaining("manifest 4 is missing but manifest 5 exists");
  }

  @Test
  void shouldReturnConflictAndNeverOverwriteWhenAnotherWriterClaimedTheSeq() {
    ArchiveWriter other = new ArchiveWriter(store, "writer-b");
    StreamHead stale = writer.loadHead(STREAM);
    StreamHead winnerHead = commitBatches(other, 1);
    byte[] winnerBytes = store.readAll(ArchiveLayout.manifestKey(STREAM, 0)).orElseThrow();

    CommitResult result =
        writer.commit(stale, Records.batch(Records.transactions("shop", 500, 1, 2), 0));

    assertThat(result).isEqualTo(new CommitResult.Conflict(winnerHead, "writer-b"));
    assertThat(store.readAll(ArchiveLayout.manifestKey(STREAM, 0)).orElseThrow())
        .isEqualTo(winnerBytes);
    assertThat(store.stat(ArchiveLayout.manifestKey(STREAM, 1))).isEmpty();
  }

  @Test
  void shouldTreatARepeatOfItsOwnLandedCommitAsCommitted() {
    StreamHead empty = writer.loadHead(STREAM);
    Batch batch = Records.batch(Records.transactions("shop", 100, 2, 3), 0);
    CommitResult first = writer.commit(empty, batch);

    CommitResult again = writer.commit(empty, batch);

    assertThat(again).isEqualTo(first);
  }

  @Test
  void shouldCommitWhenTheManifestPutLandedButItsResponseWasLost() {
    FaultyObjectStore faulty = new FaultyObjectStore(store);
    ArchiveWriter w = new ArchiveWriter(faulty, "writer-a");
    // Puts: segment, catalog entry, stream index, partition index, manifest.
    faulty.failOn(Call.PUT, 5, Fault.OUTCOME_UNKNOWN_LANDED);

    CommitResult result =
        w.commit(w.loadHead(STREAM), Records.batch(Records.transactions("shop", 1, 1, 1), 0));

    assertThat(result).isInstanceOf(CommitResult.Committed.class);
    assertThat(w.loadHead(STREAM).seq()).isZero();
  }

  @Test
  void shouldRethrowWhenTheManifestPutOutcomeIsUnknownAndItDidNotLand() {
    FaultyObjectStore faulty = new FaultyObjectStore(store);
    ArchiveWriter w = new ArchiveWriter(faulty, "writer-a");
    faulty.failOn(Call.PUT, 5, Fault.OUTCOME_UNKNOWN_LOST);
    StreamHead head = w.loadHead(STREAM);
    Batch batch = Records.batch(Records.transactions("shop", 1, 1, 1), 0);

    assertThatThrownBy(() -> w.commit(head, batch)).isInstanceOf(OutcomeUnknownException.class);
    assertThat(w.loadHead(STREAM).isEmpty()).isTrue();
    assertThat(w.commit(head, batch)).isInstanceOf(CommitResult.Committed.class);
  }

  @Test
  void shouldLeaveOnlyAnUncommittedSegmentWhenTheClaimFailsAfterTheSegmentPut() {
    StreamHead head = commitBatches(writer, 2);
    FaultyObjectStore faulty = new FaultyObjectStore(store);
    ArchiveWriter w = new ArchiveWriter(faulty, "writer-a");
    faulty.failOn(Call.PUT, 2, Fault.PERMANENT);
    Batch batch =
        Records.batch(Records.transactions("shop", 900, 1, 2), head.lastSourceOffset() + 1);

    assertThatThrownBy(() -> w.commit(head, batch))
        .isInstanceOf(PermanentStorageException.class)
        .hasMessageContaining(ArchiveLayout.manifestKey(STREAM, 2));

    assertThat(writer.loadHead(STREAM)).isEqualTo(head);
    StreamReport report = new ChainVerifier(store).verify(STREAM);
    assertThat(report.clean()).isTrue();
    assertThat(report.findings())
        .extracting(Finding::kind)
        .containsExactly(Finding.Kind.UNCOMMITTED_SEGMENT);
    assertThat(writer.commit(head, batch)).isInstanceOf(CommitResult.Committed.class);
  }

  @Test
  void shouldRefuseBatchesThatWouldBreakTheChain() {
    StreamHead head = commitBatches(writer, 1);
    Batch backwards =
        Records.batch(Records.transactions("shop", 5, 1, 1), head.lastSourceOffset() + 1);
    Batch oldOffsets =
        Records.batch(Records.transactions("shop", 9000, 1, 1), head.lastSourceOffset());

    assertThatThrownBy(() -> writer.commit(head, backwards))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not after the head");
    assertThatThrownBy(() -> writer.commit(head, oldOffsets))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("first source offset");
  }

  @Test
  void shouldRecordGapsVisiblyAndKeepTheLastRecordPosition() {
    StreamHead head = commitBatches(writer, 1);

    CommitResult result = writer.commitGap(head, 6, 20, 20);

    StreamHead afterGap = ((CommitResult.Committed) result).head();
    assertThat(afterGap.seq()).isEqualTo(1);
    assertThat(afterGap.lastLsn()).isEqualTo(head.lastLsn());
    assertThat(afterGap.handledThroughOffset()).isEqualTo(20);
    assertThat(writer.loadHead(STREAM)).isEqualTo(afterGap);
    StreamReport report = new ChainVerifier(store).verify(STREAM);
    assertThat(report.clean()).isTrue();
    assertThat(report.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(Finding.Kind.GAP);
              assertThat(f.severity()).isEqualTo(Finding.Severity.WARNING);
              assertThat(f.detail()).contains("source offsets 6 to 20");
            });
  }
}
