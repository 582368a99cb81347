package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.schemas.testing.ChildJvm;
import io.walstream.schemas.testing.KafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code walstream publish} and {@code walstream archive} from the packaged jar. */
class ArchiveCommandIT {
  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar"));

  @TempDir Path dir;

  private ProcessBuilder walstream(String... args) {
    return new ProcessBuilder(ChildJvm.jar(JAR, List.of(args)));
  }

  private static String line(String database, long lsn) {
    return "{\"database\":\""
        + database
        + "\",\"table\":\"orders\",\"op\":\"INSERT\",\"key\":{\"id\":"
        + lsn
        + "},\"after\":{\"id\":"
        + lsn
        + ",\"total\":{\"$decimal\":\"12.50\"}},\"lsn\":"
        + lsn
        + ",\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00.123456Z\"}";
  }

  private Path jsonl(String name, List<String> lines) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void shouldStopAtABadLineNamingItAndSendNothingAfterIt() throws Exception {
    String topic = "cli" + UUID.randomUUID().toString().substring(0, 6) + ".changes";
    KafkaBroker.createTopics(1, topic);
    Path file =
        jsonl(
            "bad.jsonl",
            List.of(line("shop", 1), line("shop", 2), "{\"database\":", line("shop", 4)));

    Process process =
        walstream(
                "publish",
                "--bootstrap-servers",
                KafkaBroker.bootstrapServers(),
                "--topic",
                topic,
                "--input",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(output)
        .contains("Cannot parse change record at line 3")
        .contains("Acknowledged 2 records, every line before line 3; nothing after it was sent")
        .doesNotContain("\tat ");
  }

  @Test
  void shouldPublishThenArchiveAndArchiveTheBufferOnSigterm() throws Exception {
    String prefix = "cli" + UUID.randomUUID().toString().substring(0, 6);
    String topic = prefix + ".changes";
    KafkaBroker.createTopics(1, topic);
    List<String> lines = new ArrayList<>();
    for (long lsn = 1; lsn <= 30; lsn++) {
      lines.add(line("shop", lsn));
    }
    Path file = jsonl("ok.jsonl", lines);
    Process publish =
        walstream(
                "publish",
                "--bootstrap-servers",
                KafkaBroker.bootstrapServers(),
                "--topic",
                topic,
                "--input",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String published = new String(publish.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(publish.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(publish.exitValue()).as(published).isZero();
    assertThat(published).contains("Published 30 records to " + topic);

    Path archive = dir.resolve("archive");
    Path log = dir.resolve("archive.log");
    // Nothing but the shutdown commit may cut: the records must be archived by a graceful stop.
    Process archiver =
        walstream(
                "archive",
                "--bootstrap-servers",
                KafkaBroker.bootstrapServers(),
                "--archive",
                archive.toUri().toString(),
                "--input-topic",
                topic,
                "--set",
                "application.id=" + prefix,
                "--set",
                "manifests.topic=" + prefix + ".manifests",
                "--set",
                "dlq.topic=" + prefix + ".dlq",
                "--set",
                "metrics.port=0",
                "--set",
                "commit.interval.ms=50000",
                "--set",
                "segment.max-age.ms=600000")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(log).contains("/metrics)"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("archiver did not start; log:\n" + Files.readString(log), e);
    }
    java.util.regex.Matcher port =
        java.util.regex.Pattern.compile("localhost:(\\d+)/metrics").matcher(Files.readString(log));
    assertThat(port.find()).isTrue();
    URI metrics = URI.create("http://localhost:" + port.group(1) + "/metrics");
    try (ObjectStore store = ObjectStores.open(archive.toUri().toString())) {
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> scrape(metrics).contains("walstream_archiver_records_buffered_total 30.0"));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "archiver did not buffer 30 records; metrics:\n"
                + scrape(metrics).lines().filter(l -> l.startsWith("walstream")).toList()
                + "\nlog:\n"
                + Files.readString(log),
            e);
      }
      assertThat(new ArchiveReader(store).allStreams())
          .as("nothing archived before the stop")
          .isEmpty();
      archiver.destroy();
      assertThat(archiver.waitFor(60, TimeUnit.SECONDS)).isTrue();

      StreamId stream = new StreamId("shop", topic, 0);
      assertThat(new ArchiveReader(store).loadHead(stream).lastLsn()).isEqualTo(30L);
      assertThat(new ChainVerifier(store).verify(stream).findings()).isEmpty();
    }
  }

  private static String scrape(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
