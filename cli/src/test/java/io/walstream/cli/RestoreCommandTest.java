package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** restore, restore-points and verify, in process, with their documented exit codes. */
class RestoreCommandTest {
  @TempDir Path dir;
  private Path archive;
  private String uri;
  private final CapturedCli cli = new CapturedCli();

  @BeforeEach
  void buildArchive() {
    archive = dir.resolve("archive");
    uri = archive.toUri().toString();
    Records.archive(
        new ArchiveWriter(new FileSystemObjectStore(archive), "test"),
        new StreamId("shop", "walstream.changes", 0),
        100,
        4,
        3,
        2);
  }

  private int run(String... args) {
    return cli.run(args);
  }

  /** {@code walstream restore --archive <the shop archive> --database shop <more>}. */
  private int restoreShop(String... more) {
    String[] args = new String[5 + more.length];
    System.arraycopy(
        new String[] {"restore", "--archive", uri, "--database", "shop"}, 0, args, 0, 5);
    System.arraycopy(more, 0, args, 5, more.length);
    return run(args);
  }

  private String stdout() {
    return cli.stdout();
  }

  private String stderr() {
    return cli.stderr();
  }

  @Test
  void shouldRefuseATopicRestoreWithoutBrokerOrAMirrorNotAtLatestAsUsageErrors() {
    int noBroker = restoreShop("--latest", "--topic", "replay", "--follow");
    String noBrokerErr = stderr();
    int notLatest =
        restoreShop(
            "--lsn", "105", "--topic", "replay", "--bootstrap-servers", "localhost:1", "--follow");

    assertThat(noBroker).isEqualTo(2);
    assertThat(noBrokerErr).contains("--topic needs --bootstrap-servers");
    assertThat(notLatest).isEqualTo(2);
    assertThat(stderr()).contains("--follow takes --latest as its only target");
  }

  @Test
  void shouldRestoreToLatestAndSummarise() {
    Path output = dir.resolve("shop.db");

    int code = restoreShop("--latest", "--output", output.toString());

    assertThat(code).as(stderr()).isZero();
    assertThat(output).exists();
    assertThat(stdout())
        .contains("Restored shop to lsn 111")
        .contains("12 transactions, 24 records");
  }

  @Test
  void shouldPrintThePlanAndWriteNothingWhenDryRun() {
    int code = restoreShop("--lsn", "104", "--dry-run");

    assertThat(code).isZero();
    assertThat(stdout()).contains("Plan: restore shop to lsn 104").contains("total: 2 segments");
  }

  @Test
  void shouldExitThreeNamingTheWindowWhenTheTargetIsOutsideIt() {
    int code = restoreShop("--lsn", "5", "--output", dir.resolve("x.db").toString());

    assertThat(code).isEqualTo(3);
    assertThat(stderr())
        .contains("before the first archived transaction")
        .contains("lsn 100 to 111");
    assertThat(dir.resolve("x.db")).doesNotExist();
  }

  @Test
  void shouldExitFourAndLeaveNoOutputWhenASegmentIsCorrupt() throws Exception {
    Manifest.Segment m =
        (Manifest.Segment)
            new ArchiveReader(new FileSystemObjectStore(archive))
                .readManifest(new StreamId("shop", "walstream.changes", 0), 1)
                .orElseThrow()
                .manifest();
    Path segment = archive.resolve(m.segment().key());
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 2] ^= 1;
    Files.write(segment, bytes);
    Path output = dir.resolve("corrupt.db");

    int restore = restoreShop("--latest", "--output", output.toString());
    int verify = run("verify", "--archive", uri);

    assertThat(restore).isEqualTo(4);
    assertThat(stderr()).contains(m.segment().key()).contains("SEGMENT_HASH_MISMATCH");
    assertThat(output).doesNotExist();
    assertThat(verify).isEqualTo(4);
    assertThat(stdout()).contains("SEGMENT_HASH_MISMATCH " + m.segment().key()).contains("FAILED");
  }

  @Test
  void shouldVerifyCleanAndListRestorePoints() {
    assertThat(run("verify", "--archive", uri)).isZero();
    assertThat(stdout()).contains("CLEAN: 1 streams, 4 segments, 24 records");

    assertThat(run("restore-points", "--archive", uri, "--json")).isZero();
    assertThat(stdout())
        .contains("\"database\" : \"shop\"")
        .contains("\"earliestLsn\" : 100")
        .contains("\"latestLsn\" : 111");
  }

  @Test
  void shouldExitTwoWhenTheTimeIsNotIso8601() {
    assertThat(restoreShop("--to", "yesterday", "--dry-run")).isEqualTo(2);
    assertThat(stderr()).contains("Cannot parse timestamp 'yesterday'");
  }

  @Test
  void shouldFailNamingTheLocationAndNeverCreateItWhenTheArchiveDoesNotExist() {
    Path missing = dir.resolve("no-such-archive");
    String missingUri = missing.toUri().toString();

    for (String[] args :
        List.of(
            new String[] {"verify", "--archive", missingUri},
            new String[] {"restore-points", "--archive", missingUri},
            new String[] {
              "restore",
              "--archive",
              missingUri,
              "--database",
              "shop",
              "--latest",
              "--output",
              dir.resolve("x.db").toString()
            })) {
      CapturedCli one = new CapturedCli();
      assertThat(one.run(args)).as(String.join(" ", args)).isEqualTo(1);
      assertThat(one.stderr()).contains("Cannot read archive").contains("it does not exist");
      assertThat(missing).doesNotExist();
    }
  }

  @Test
  void shouldFailWhenTheLocationHoldsNoArchive() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));

    int code = run("verify", "--archive", empty.toUri().toString());

    assertThat(code).isEqualTo(1);
    assertThat(stderr()).contains("it holds no archive");
  }

  @Test
  void shouldRefuseANonPostgresJdbcUrlBeforeWritingAnything() throws Exception {
    Path target = dir.resolve("not-postgres.db");

    int code = restoreShop("--latest", "--jdbc", "jdbc:sqlite:" + target);

    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--jdbc must be a PostgreSQL JDBC URL");
    assertThat(target).doesNotExist();
  }

  @Test
  void shouldRefuseAnOutputThatIsADirectoryBeforeRestoring() throws Exception {
    Path directory = Files.createDirectories(dir.resolve("a-directory"));

    int code = restoreShop("--latest", "--force", "--output", directory.toString());

    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("is a directory; name the SQLite file to write");
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains("walstream-restore"));
    }
  }
}
