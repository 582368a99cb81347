package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.restorer.apply.Progress;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.plan.TargetNotRestorableException;
import io.walstream.restorer.sink.SqliteSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore whose target lies past a recorded gap is refused, naming the gap and writing nothing,
 * unless the gaps are accepted; then the plan and the result list every gap crossed.
 */
class GapRestoreTest {
  private static final StreamId A = new StreamId("shop", "a.changes", 0);
  private static final StreamId B = new StreamId("shop", "b.changes", 0);

  @TempDir Path dir;
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final ArchiveWriter writer = new ArchiveWriter(store, "test");

  /** Stream A: lsn 10–12 (offsets 0–2), a gap (offsets 3–5), lsn 20–21 (offsets 6–7). */
  private void archiveWithGap() {
    StreamHead head = commit(writer.loadHead(A), 10, 3, 0);
    head = ((CommitResult.Committed) writer.commitGap(head, 3, 5, 5)).head();
    commit(head, 20, 2, 6);
  }

  private StreamHead commit(StreamHead head, long firstLsn, int transactions, long firstOffset) {
    var records = Records.transactions("shop", firstLsn, transactions, 1);
    return ((CommitResult.Committed) writer.commit(head, Records.batch(records, firstOffset)))
        .head();
  }

  private Restorer.Result restore(RestoreTarget target, GapPolicy gaps, String name) {
    return new Restorer(store)
        .restore("shop", target, gaps, SqliteSink.open(dir.resolve(name), false), Progress.NONE);
  }

  private void assertNothingWritten() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void shouldRestoreExactlyToTargetsBeforeTheGap() {
    archiveWithGap();

    for (RestoreTarget target :
        List.<RestoreTarget>of(
            new RestoreTarget.AtLsn(11),
            new RestoreTarget.AtLsn(12),
            new RestoreTarget.AtTime(Records.T0.plusSeconds(11)))) {
      Restorer.Result result =
          restore(target, GapPolicy.REFUSE, "before-" + Math.abs(target.hashCode()) + ".db");
      assertThat(result.plan().gapsCrossed()).isEmpty();
    }
  }

  @Test
  void shouldRefuseATargetPastTheGapNamingItAndWritingNothing() throws Exception {
    archiveWithGap();
    String gapKey = ArchiveLayout.manifestKey(A, 1);

    for (RestoreTarget target :
        List.<RestoreTarget>of(
            new RestoreTarget.Latest(),
            new RestoreTarget.AtLsn(13),
            new RestoreTarget.AtLsn(21),
            new RestoreTarget.AtTime(Records.T0.plusSeconds(12)))) {
      assertThatThrownBy(() -> restore(target, GapPolicy.REFUSE, "refused.db"))
          .as("%s", target)
          .isInstanceOf(TargetNotRestorableException.class)
          .hasMessageContaining(gapKey)
          .hasMessageContaining("source offsets 3 to 5 missing")
          .hasMessageContaining("after lsn 12")
          .hasMessageContaining("--accept-gaps");
      assertNothingWritten();
    }
  }

  @Test
  void shouldRestorePastTheGapAndListItWhenGapsAreAccepted() {
    archiveWithGap();

    Restorer.Result result = restore(new RestoreTarget.Latest(), GapPolicy.ACCEPT, "accepted.db");

    assertThat(result.outcome().lastLsn()).isEqualTo(21);
    assertThat(result.outcome().transactions()).isEqualTo(5);
    assertThat(result.plan().gapsCrossed())
        .singleElement()
        .satisfies(
            gap -> {
              assertThat(gap.stream()).isEqualTo(A);
              assertThat(gap.seq()).isEqualTo(1);
              assertThat(gap.firstMissingOffset()).isEqualTo(3);
              assertThat(gap.lastMissingOffset()).isEqualTo(5);
              assertThat(gap.afterLsn()).isEqualTo(12);
            });
    assertThat(Outcomes.notes(result.outcome(), result.plan()))
        .singleElement()
        .asString()
        .contains("Crossed a gap in shop@a.changes-0 at seq 1");
  }

  @Test
  void shouldCountAGapBeforeAStreamsFirstRecordAsCrossedByEveryTarget() {
    commit(writer.loadHead(B), 1, 3, 0);
    StreamHead a = ((CommitResult.Committed) writer.commitGap(writer.loadHead(A), 0, 4, 4)).head();
    commit(a, 10, 2, 5);

    RestorePlan plan =
        new Restorer(store).plan("shop", new RestoreTarget.AtLsn(1), GapPolicy.ACCEPT);

    assertThat(plan.gapsCrossed())
        .singleElement()
        .satisfies(g -> assertThat(g.afterLsn()).isNull());
    assertThatThrownBy(
            () -> new Restorer(store).plan("shop", new RestoreTarget.AtLsn(1), GapPolicy.REFUSE))
        .isInstanceOf(TargetNotRestorableException.class)
        .hasMessageContaining("before the stream's first archived record");
  }
}
