package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.restorer.sink.SqliteRows;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken transactions end to end: a producer that crashed inside lsn 7 (no txLast) and went on, and
 * one whose lsn 12 skips a txIndex, published with {@code walstream publish}, archived by the
 * archiver, restored with {@code walstream restore} to the latest state and to LSN and time targets
 * on both sides of them. Every restore must equal the model (every complete transaction up to the
 * target, the broken ones left out) and report what it left out.
 */
class IncompleteTransactionsIT {
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TRANSACTIONS = 20;
  private static final long BROKEN_OPEN = 7;
  private static final long BROKEN_SKIP = 12;

  @TempDir Path dir;

  private static String line(long lsn, int txIndex, boolean last) {
    long id = lsn * 10 + txIndex;
    return String.format(
        "{\"database\":\"shop\",\"table\":\"orders\",\"op\":\"INSERT\",\"key\":{\"id\":%d},"
            + "\"after\":{\"id\":%d},\"lsn\":%d,\"txIndex\":%d,\"txLast\":%b,"
            + "\"commitTime\":\"%s\"}",
        id, id, lsn, txIndex, last, T0.plusSeconds(lsn));
  }

  /** Two records per transaction; lsn 7 has no txLast, lsn 12 carries txIndex 0 and 2. */
  private static List<String> workload() {
    List<String> lines = new ArrayList<>();
    for (long lsn = 1; lsn <= TRANSACTIONS; lsn++) {
      if (lsn == BROKEN_OPEN) {
        lines.add(line(lsn, 0, false));
      } else if (lsn == BROKEN_SKIP) {
        lines.add(line(lsn, 0, false));
        lines.add(line(lsn, 2, true));
      } else {
        lines.add(line(lsn, 0, false));
        lines.add(line(lsn, 1, true));
      }
    }
    return lines;
  }

  /** The model: the ids of every complete transaction with lsn at most {@code lsn}. */
  private static TreeSet<Long> model(long lsn) {
    TreeSet<Long> ids = new TreeSet<>();
    for (long l = 1; l <= Math.min(lsn, TRANSACTIONS); l++) {
      if (l != BROKEN_OPEN && l != BROKEN_SKIP) {
        ids.add(l * 10);
        ids.add(l * 10 + 1);
      }
    }
    return ids;
  }

  @Test
  void shouldLeaveOutBrokenTransactionsFromEveryRestoreAndReportThem() throws Exception {
    String prefix = "inc" + UUID.randomUUID().toString().substring(0, 6);
    String topic = prefix + ".changes";
    KafkaBroker.createTopics(1, topic);
    Path input = Files.write(dir.resolve("broken.jsonl"), workload(), StandardCharsets.UTF_8);
    Path archive = dir.resolve("archive");
    CapturedCli publish = new CapturedCli();
    assertThat(
            publish.run(
                "publish",
                "--bootstrap-servers",
                KafkaBroker.bootstrapServers(),
                "--topic",
                topic,
                "--input",
                input.toString()))
        .as(publish.stderr())
        .isZero();
    Map<String, Object> settings =
        TestArchiver.settings(KafkaBroker.bootstrapServers(), archive, prefix, topic);
    int records = workload().size();
    try (ArchiverApp app = ArchiverApp.start(ArchiverConfig.parse(settings));
        ObjectStore store = ObjectStores.open(archive.toUri().toString())) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> app.metrics().count("walstream.archiver.records.archived") >= records);
    }

    Map<String, Long> targets = new java.util.LinkedHashMap<>();
    targets.put("--latest", (long) TRANSACTIONS);
    for (long lsn : new long[] {BROKEN_OPEN - 1, BROKEN_OPEN, BROKEN_SKIP - 1, BROKEN_SKIP, 15}) {
      targets.put("--lsn=" + lsn, lsn);
      targets.put("--to=" + T0.plusSeconds(lsn), lsn);
    }
    int n = 0;
    for (var target : targets.entrySet()) {
      Path output = dir.resolve("restore-" + n++ + ".db");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "restore",
                  "--archive",
                  archive.toUri().toString(),
                  "--database",
                  "shop",
                  "--output",
                  output.toString(),
                  "--json"));
      args.addAll(List.of(target.getKey().split("=", 2)));
      CapturedCli cli = new CapturedCli();

      assertThat(cli.run(args.toArray(String[]::new))).as(target.getKey() + cli.stderr()).isZero();

      TreeSet<Long> actual = new TreeSet<>();
      SqliteRows.read(output, "id").getOrDefault("orders", Map.of()).keySet().stream()
          .map(id -> ((Number) id).longValue())
          .forEach(actual::add);
      assertThat(actual).as("restore %s", target.getKey()).isEqualTo(model(target.getValue()));
      JsonNode result = JSON.readTree(cli.stdout());
      List<Long> reported = new ArrayList<>();
      result.get("incompleteLsns").forEach(l -> reported.add(l.asLong()));
      List<Long> expectedLeftOut = new ArrayList<>();
      for (long broken : new long[] {BROKEN_OPEN, BROKEN_SKIP}) {
        // A broken transaction is judged once the merge reads its lsn, which a target reaches.
        if (broken <= target.getValue()) {
          expectedLeftOut.add(broken);
        }
      }
      assertThat(reported).as("reported for %s", target.getKey()).isEqualTo(expectedLeftOut);
    }

    CapturedCli verify = new CapturedCli();
    assertThat(verify.run("verify", "--archive", archive.toUri().toString())).isZero();
    assertThat(verify.stdout())
        .contains("WARNING INCOMPLETE_TRANSACTION")
        .contains("transaction lsn 7 of shop is incomplete (no txLast record")
        .contains("transaction lsn 12 of shop is incomplete (txIndex 2 follows 0");
    CapturedCli points = new CapturedCli();
    assertThat(points.run("restore-points", "--archive", archive.toUri().toString())).isZero();
    assertThat(points.stdout()).contains("INCOMPLETE transaction lsn 7").contains("lsn 12");
  }
}
