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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** retention, and restore, restore-points and verify after it, with their exit codes. */
class RetentionCommandTest {
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
    for (String lsn : List.of("106", "109")) {
      assertThat(shop("snapshot", "--work-dir", dir.toString(), "--lsn", lsn))
          .as(cli.stderr())
          .isZero();
    }
  }

  private int shop(String command, String... more) {
    cli.clear();
    return cli.run(
        Stream.concat(Stream.of(command, "--archive", uri, "--database", "shop"), Stream.of(more))
            .toArray(String[]::new));
  }

  private static JsonNode parse(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(field == null ? n.asText() : n.get(field).asText()));
    return out;
  }

  @Test
  void shouldPrintThePlanThenDeleteExactlyItAndKeepEveryRetainedPointRestorable() throws Exception {
    Path before = dir.resolve("before.db");
    assertThat(shop("restore", "--lsn", "110", "--output", before.toString())).isZero();

    int planned = shop("retention", "--keep-snapshots", "1", "--min-age", "1ms");
    String text = cli.stdout();
    int planJson = shop("retention", "--keep-snapshots", "1", "--min-age", "1ms", "--json");
    JsonNode plan = parse(cli.stdout()).get("databases").get(0);
    assertThat(archive.resolve("shop/retention")).doesNotExist();
    int applied =
        shop("retention", "--keep-snapshots", "1", "--min-age", "1ms", "--apply", "--json");
    JsonNode result = parse(cli.stdout());

    assertThat(planned).as(cli.stderr()).isZero();
    assertThat(text)
        .contains("shop: oldest restore point lsn 109")
        .contains("(new; would store shop/retention/000000000000006d.retention.json)")
        .contains("shop@walstream.changes-0: would delete 2 manifests and 2 segments")
        .contains("below seq 2")
        .contains("justified by snapshot shop/snapshots/000000000000006d.snapshot.json")
        .contains("rerun with --apply");
    assertThat(planJson).isZero();
    assertThat(plan.get("step").asText()).isEqualTo("WRITE");
    assertThat(plan.get("oldestRestorePoint").get("lsn").asLong()).isEqualTo(109);
    assertThat(applied).isZero();
    assertThat(texts(result.get("deleted"), null)).isEqualTo(texts(plan.get("delete"), "key"));
    assertThat(texts(result.get("deleted"), null))
        .contains("shop/snapshots/000000000000006a.snapshot.json")
        .anyMatch(k -> k.endsWith(".chunk"))
        .allMatch(k -> Files.notExists(archive.resolve(k)));

    Path after = dir.resolve("after.db");
    assertThat(shop("restore", "--lsn", "110", "--output", after.toString())).isZero();
    assertThat(SqliteRows.read(after, "id")).isEqualTo(SqliteRows.read(before, "id"));
    int tooEarly = shop("restore", "--lsn", "105", "--output", dir.resolve("x.db").toString());
    assertThat(tooEarly).isEqualTo(3);
    assertThat(cli.stderr())
        .contains("before the oldest retained restore point")
        .contains("the restorable window is lsn 109 to 111");
    assertThat(shop("verify")).as(cli.stdout()).isZero();
    assertThat(shop("restore-points")).isZero();
    assertThat(cli.stdout())
        .contains("lsn 109 to 111")
        .contains("RETAINED restore points before snapshot lsn 109 were expired by retention");
  }

  @Test
  void shouldStoreTheRecordButKeepWhatIsYoungerThanTheGracePeriod() {
    int applied = shop("retention", "--keep-snapshots", "1", "--apply");

    assertThat(applied).as(cli.stderr()).isZero();
    assertThat(cli.stdout())
        .contains("(new; stored shop/retention/000000000000006d.retention.json)")
        .contains("younger than --min-age PT1H")
        .contains("Deleted 0 objects");
    assertThat(archive.resolve("shop/retention/000000000000006d.retention.json")).exists();
    assertThat(archive.resolve("shop/snapshots/000000000000006a.snapshot.json")).exists();
    assertThat(shop("restore", "--lsn", "105", "--output", dir.resolve("x.db").toString()))
        .isEqualTo(3);
  }

  @Test
  void shouldKeepEverythingWhenThePolicyKeepsAllSnapshots() {
    int planned = shop("retention", "--keep-snapshots", "2", "--apply");

    assertThat(planned).isZero();
    assertThat(cli.stdout()).contains("shop: --keep-snapshots 2 keeps everything");
    assertThat(archive.resolve("shop/retention")).doesNotExist();
  }

  @Test
  void shouldRefuseAMissingOrZeroPolicyAsAUsageError() {
    assertThat(shop("retention")).isEqualTo(2);
    assertThat(cli.stderr()).contains("--keep-snapshots").contains("--keep-window");
    assertThat(shop("retention", "--keep-snapshots", "0")).isEqualTo(2);
    assertThat(cli.stderr()).contains("--keep-snapshots 0 must be at least 1");
    assertThat(shop("retention", "--keep-snapshots", "1", "--keep-window", "7d")).isEqualTo(2);
    assertThat(shop("retention", "--keep-window", "soon")).isEqualTo(2);
    assertThat(cli.stderr()).contains("--keep-window 'soon' is not a duration");
  }

  @Test
  void shouldLeaveTheDatabaseAloneAndExitFourWhenTheFloorSnapshotIsDamaged() throws Exception {
    Path chunks = archive.resolve("shop/snapshot-chunks");
    try (Stream<Path> files = Files.list(chunks)) {
      for (Path chunk : files.toList()) {
        byte[] bytes = Files.readAllBytes(chunk);
        bytes[bytes.length / 2] ^= 1;
        Files.write(chunk, bytes);
      }
    }

    int code = shop("retention", "--keep-snapshots", "1", "--min-age", "1ms", "--apply");

    assertThat(code).isEqualTo(4);
    assertThat(cli.stdout())
        .contains(
            "LEFT ALONE shop: Cannot make snapshot shop/snapshots/000000000000006d.snapshot.json")
        .contains("nothing was expired");
    assertThat(archive.resolve("shop/retention")).doesNotExist();
  }
}
