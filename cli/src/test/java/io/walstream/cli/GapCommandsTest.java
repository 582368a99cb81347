package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recorded gap through restore, restore --dry-run and restore-points, with their exit codes. */
class GapCommandsTest {
  private static final StreamId STREAM = new StreamId("shop", "walstream.changes", 0);
  @TempDir Path dir;
  private String uri;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final CapturedCli cli = new CapturedCli();

  /** lsn 100–103 (offsets 0–3), a gap (offsets 4–9), lsn 110–111 (offsets 10–11). */
  @BeforeEach
  void buildArchive() {
    Path archive = dir.resolve("archive");
    uri = archive.toUri().toString();
    ArchiveWriter writer = new ArchiveWriter(new FileSystemObjectStore(archive), "test");
    StreamHead head = commit(writer, writer.loadHead(STREAM), 100, 4, 0);
    head = ((CommitResult.Committed) writer.commitGap(head, 4, 9, 9)).head();
    commit(writer, head, 110, 2, 10);
  }

  private static StreamHead commit(
      ArchiveWriter writer, StreamHead head, long lsn, int transactions, long offset) {
    var records = Records.transactions("shop", lsn, transactions, 1);
    return ((CommitResult.Committed) writer.commit(head, Records.batch(records, offset))).head();
  }

  @Test
  void shouldExitThreeNamingTheGapAndWriteNothingWhenTheTargetLiesPastIt() {
    Path output = dir.resolve("shop.db");

    int code =
        cli.run(
            "restore", "--archive", uri, "--database", "shop", "--latest", "--output", "" + output);

    assertThat(code).isEqualTo(3);
    assertThat(cli.stderr())
        .contains(ArchiveLayout.manifestKey(STREAM, 1))
        .contains("source offsets 4 to 9 missing")
        .contains("--accept-gaps");
    assertThat(output).doesNotExist();
  }

  @Test
  void shouldRestorePastTheGapAndListItWhenAccepted() throws Exception {
    Path output = dir.resolve("shop.db");

    int code =
        cli.run(
            "restore",
            "--archive",
            uri,
            "--database",
            "shop",
            "--latest",
            "--accept-gaps",
            "--json",
            "--output",
            output.toString());

    assertThat(code).as(cli.stderr()).isZero();
    assertThat(output).exists();
    JsonNode result = JSON.readTree(cli.stdout());
    assertThat(result.get("recoveredLsn").asLong()).isEqualTo(111);
    assertThat(result.get("gapsCrossed")).hasSize(1);
    assertThat(result.get("gapsCrossed").get(0).asText())
        .startsWith("gap in shop@walstream.changes-0 at seq 1");
  }

  @Test
  void shouldRestoreExactlyBeforeTheGapWithoutAcceptingIt() {
    int code =
        cli.run(
            "restore",
            "--archive",
            uri,
            "--database",
            "shop",
            "--lsn",
            "103",
            "--output",
            dir.resolve("before.db").toString());

    assertThat(code).as(cli.stderr()).isZero();
    assertThat(cli.stdout()).contains("Restored shop to lsn 103").doesNotContain("gap");
  }

  @Test
  void shouldListTheGapInTheDryRunPlanWhenAccepted() {
    int refused =
        cli.run("restore", "--archive", uri, "--database", "shop", "--latest", "--dry-run");
    int accepted =
        cli.run(
            "restore",
            "--archive",
            uri,
            "--database",
            "shop",
            "--latest",
            "--dry-run",
            "--accept-gaps");

    assertThat(refused).isEqualTo(3);
    assertThat(accepted).isZero();
    assertThat(cli.stdout()).contains("crosses gap in shop@walstream.changes-0 at seq 1");
  }

  @Test
  void shouldListTheWindowsBetweenGapsInRestorePoints() {
    int code = cli.run("restore-points", "--archive", uri);

    assertThat(code).isZero();
    assertThat(cli.stdout())
        .contains("window lsn 100 to 103 (2026-11-21T10:01:43.000000Z), exact")
        .contains("window after lsn 103 to 111 (2026-11-21T10:01:51.000000Z), crosses 1 gap")
        .contains("GAP gap in shop@walstream.changes-0 at seq 1")
        .contains("source offsets 4 to 9 missing, after lsn 103");
  }

  @Test
  void shouldListWindowsAndGapsAsJson() throws Exception {
    int code = cli.run("restore-points", "--archive", uri, "--json");

    assertThat(code).isZero();
    JsonNode shop = JSON.readTree(cli.stdout()).get(0);
    JsonNode windows = shop.get("windows");
    assertThat(windows).hasSize(2);
    assertThat(windows.get(0).get("afterLsn").isNull()).isTrue();
    assertThat(windows.get(0).get("fromLsn").asLong()).isEqualTo(100);
    assertThat(windows.get(0).get("toLsn").asLong()).isEqualTo(103);
    assertThat(windows.get(0).get("exact").asBoolean()).isTrue();
    assertThat(windows.get(1).get("afterLsn").asLong()).isEqualTo(103);
    assertThat(windows.get(1).get("toLsn").asLong()).isEqualTo(111);
    assertThat(windows.get(1).get("exact").asBoolean()).isFalse();
    assertThat(windows.get(1).get("gapsCrossed").asInt()).isEqualTo(1);
    JsonNode gap = shop.get("gaps").get(0);
    assertThat(gap.get("stream").asText()).isEqualTo("shop@walstream.changes-0");
    assertThat(gap.get("seq").asLong()).isEqualTo(1);
    assertThat(gap.get("firstMissingOffset").asLong()).isEqualTo(4);
    assertThat(gap.get("lastMissingOffset").asLong()).isEqualTo(9);
    assertThat(gap.get("afterLsn").asLong()).isEqualTo(103);
  }
}
