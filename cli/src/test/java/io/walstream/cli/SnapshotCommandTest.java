package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.restorer.sink.SqliteRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** snapshot, and restore, restore-points and verify with a snapshot, with their exit codes. */
class SnapshotCommandTest {
  @TempDir Path dir;
  private Path archive;
  private String uri;
  private final CapturedCli cli = new CapturedCli();

  @BeforeEach
  void buildArchive() {
    archive = dir.resolve("archive");
    uri = archive.toUri().toString();
    // Transactions at lsn 100..111, three to a segment: segments end at lsn 102, 105, 108, 111.
    Records.archive(
        new ArchiveWriter(new FileSystemObjectStore(archive), "test"),
        new StreamId("shop", "walstream.changes", 0),
        100,
        4,
        3,
        2);
  }

  private int snapshot(String... more) {
    cli.clear();
    return shop(
        "snapshot", Stream.concat(Stream.of("--work-dir", dir.toString()), Stream.of(more)));
  }

  /** {@code walstream restore --archive <the archive> --database shop --latest <more>}. */
  private int restoreLatest(String... more) {
    return shop("restore", Stream.concat(Stream.of("--latest"), Stream.of(more)));
  }

  private int shop(String command, Stream<String> more) {
    return cli.run(
        Stream.concat(Stream.of(command, "--archive", uri, "--database", "shop"), more)
            .toArray(String[]::new));
  }

  @Test
  void shouldCommitASnapshotThatTheNextRestoreStartsFromAndEqualAFullReplay() throws Exception {
    int made = snapshot("--lsn", "106");
    String summary = cli.stdout();
    cli.clear();
    int plan = restoreLatest("--dry-run");
    String planned = cli.stdout();
    Path fromSnapshot = dir.resolve("s.db");
    Path replayed = dir.resolve("r.db");
    cli.clear();
    int a = restoreLatest("--output", fromSnapshot.toString());
    String restored = cli.stdout();
    int b = restoreLatest("--no-snapshot", "--output", replayed.toString());

    assertThat(made).as(cli.stderr()).isZero();
    assertThat(summary)
        .startsWith("Snapshot of shop committed: snapshot at lsn 106")
        .contains("from the start and 3 segments")
        .contains("shop/snapshots/000000000000006a.snapshot.json");
    assertThat(plan).isZero();
    assertThat(planned).contains("from the snapshot at lsn 106").contains("total: 2 segments");
    assertThat(a).isZero();
    assertThat(b).isZero();
    assertThat(restored)
        .contains("Restored shop to lsn 111")
        .contains("5 transactions")
        .contains("Started from the snapshot at lsn 106");
    assertThat(SqliteRows.read(fromSnapshot, "id")).isEqualTo(SqliteRows.read(replayed, "id"));
  }

  @Test
  void shouldSayTheSnapshotExistsWhenBuiltAgainAtTheSameLsn() {
    snapshot("--lsn", "106");

    int again = snapshot("--lsn", "107", "--json");
    JsonNode json = parse(cli.stdout());
    int same = snapshot("--lsn", "107");

    assertThat(again).isZero();
    assertThat(json.get("made").asText()).isEqualTo("CREATED");
    assertThat(json.get("snapshot").get("lsn").asLong()).isEqualTo(107);
    assertThat(json.get("base").get("lsn").asLong()).isEqualTo(106);
    assertThat(json.get("segmentsRead").asLong()).as("106 to 108, not before").isEqualTo(1);
    assertThat(same).isZero();
    assertThat(cli.stdout()).contains("exists already").contains("nothing written");
  }

  @Test
  void shouldExitThreeWhenNoTransactionIsUpToTheTarget() {
    int code = snapshot("--lsn", "5");

    assertThat(code).isEqualTo(3);
    assertThat(cli.stderr()).contains("Cannot restore database shop to lsn 5");
    assertThat(archive.resolve("shop/snapshots")).doesNotExist();
  }

  @Test
  void shouldListSnapshotsAsRestorePointsAndVerifyThemAndFindAFlippedChunk() throws Exception {
    snapshot("--lsn", "104");
    cli.clear();
    int points = cli.run("restore-points", "--archive", uri);
    String listed = cli.stdout();
    int clean = cli.run("verify", "--archive", uri);
    Path chunk;
    try (Stream<Path> chunks = Files.list(archive.resolve("shop/snapshot-chunks"))) {
      chunk = chunks.findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(chunk);
    bytes[bytes.length / 2] ^= 1;
    Files.write(chunk, bytes);

    cli.clear();
    int dirty = cli.run("verify", "--archive", uri);
    String found = cli.stdout();
    int restore = restoreLatest("--output", dir.resolve("x.db").toString());

    assertThat(points).isZero();
    assertThat(listed).contains("SNAPSHOT lsn 104").contains("shop/snapshots/0000000000000068");
    assertThat(clean).as(cli.stdout()).isZero();
    assertThat(dirty).isEqualTo(4);
    assertThat(found).contains("SNAPSHOT_CHUNK_MISMATCH shop/snapshot-chunks/");
    assertThat(restore).isEqualTo(4);
    assertThat(cli.stderr()).contains("SNAPSHOT_CHUNK_MISMATCH");
    assertThat(dir.resolve("x.db")).doesNotExist();
  }

  private static JsonNode parse(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError(json, e);
    }
  }
}
