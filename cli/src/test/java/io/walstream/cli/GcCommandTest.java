package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.format.EncodedSegment;
import io.walstream.archive.format.SegmentWriter;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gc: the plan, --apply, the grace period and a database left alone, with exit codes. */
class GcCommandTest {
  private static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);
  @TempDir Path dir;
  private Path archive;
  private String uri;
  private String leftover;
  private final CapturedCli cli = new CapturedCli();

  @BeforeEach
  void archiveWithALeftover() throws Exception {
    archive = dir.resolve("archive");
    uri = archive.toUri().toString();
    FileSystemObjectStore store = new FileSystemObjectStore(archive);
    Records.archive(new ArchiveWriter(store, "test"), SHOP, 100, 3, 3, 2);
    EncodedSegment cut = SegmentWriter.encode(SHOP, 3, Records.transactions("shop", 700, 2, 2));
    leftover = ArchiveLayout.segmentKey(SHOP, 3, cut.summary().sha256());
    store.putIfAbsent(leftover, ObjectContent.ofBytes(cut.bytes()));
  }

  private void age(String key, Duration by) throws Exception {
    Files.setLastModifiedTime(archive.resolve(key), FileTime.from(Instant.now().minus(by)));
  }

  @Test
  void shouldOnlyPlanWithoutApplyAndKeepWhatIsYoungerThanTheGracePeriod() throws Exception {
    int young = cli.run("gc", "--archive", uri);
    String kept = cli.stdout();
    age(leftover, Duration.ofHours(3));
    cli.clear();

    int planned = cli.run("gc", "--archive", uri, "--min-age", "2h");

    assertThat(young).isZero();
    assertThat(kept).contains("Would remove 0 leftovers, 0 bytes; kept 1 younger than 1h");
    assertThat(planned).isZero();
    assertThat(cli.stdout())
        .contains("would remove " + leftover)
        .contains("no manifest claims seq 3")
        .contains("rerun with --apply");
    assertThat(archive.resolve(leftover)).exists();
  }

  @Test
  void shouldRemoveTheLeftoverWithApplyAndLeaveAVerifiedArchive() throws Exception {
    age(leftover, Duration.ofDays(8));

    int code = cli.run("gc", "--archive", uri, "--min-age", "7d", "--apply");
    String removed = cli.stdout();
    int verify = cli.run("verify", "--archive", uri);

    assertThat(code).isZero();
    assertThat(removed).contains("removed " + leftover).contains("Removed 1 leftovers");
    assertThat(archive.resolve(leftover)).doesNotExist();
    assertThat(verify).isZero();
    assertThat(cli.stdout()).doesNotContain("UNCOMMITTED_SEGMENT");
  }

  @Test
  void shouldExitFourAndDeleteNothingWhenAChainHasAHole() throws Exception {
    age(leftover, Duration.ofDays(1));
    Files.delete(archive.resolve(ArchiveLayout.manifestKey(SHOP, 1)));

    int code = cli.run("gc", "--archive", uri, "--apply", "--json");

    assertThat(code).isEqualTo(4);
    assertThat(cli.stdout()).contains("\"skippedDatabases\"").contains("a hole");
    assertThat(archive.resolve(leftover)).exists();
  }

  @Test
  void shouldExitTwoNamingTheOptionWhenTheGracePeriodIsNoDuration() {
    int code = cli.run("gc", "--archive", uri, "--min-age", "soon");

    assertThat(code).isEqualTo(2);
    assertThat(cli.stderr()).contains("--min-age 'soon' is not a duration");
  }
}
