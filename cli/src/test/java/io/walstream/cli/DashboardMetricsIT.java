package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.ingest.app.IngestApp;
import io.walstream.ingest.config.IngestConfig;
import io.walstream.restorer.service.RestoreService;
import io.walstream.restorer.service.RestoreServiceConfig;
import io.walstream.schemas.testing.ChildJvm;
import io.walstream.schemas.testing.KafkaBroker;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard in docs/ asks only for metrics the apps export: every metric name in its
 * queries is in a live {@code /metrics} scrape of a running archiver, restore service, follower and
 * ingest; and it has the panels an operator needs.
 */
class DashboardMetricsIT {
  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar")).toAbsolutePath();
  private static final Pattern METRIC = Pattern.compile("\\b((?:walstream|kafka)_[a-z0-9_]+)\\b");

  @TempDir Path dir;

  @Test
  void shouldQueryOnlyMetricsTheRunningAppsExport() throws Exception {
    String bootstrap = KafkaBroker.bootstrapServers();
    String id = "dash" + UUID.randomUUID().toString().substring(0, 6);
    String topic = id + ".changes";
    KafkaBroker.createTopics(1, topic);
    Path archive = dir.resolve("archive");
    Set<String> exported = new TreeSet<>();
    try (ArchiverApp archiver =
            ArchiverApp.start(
                ArchiverConfig.parse(TestArchiver.settings(bootstrap, archive, id, topic)));
        KafkaProducer<byte[], byte[]> producer =
            ShopWorkload.producer(Map.of("bootstrap.servers", bootstrap))) {
      for (long k = 1; k <= 20; k++) {
        ShopWorkload.publish(producer, topic, k);
      }
      producer.flush();
      await("segments archived and offsets committed")
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> {
                String s = scrape(archiver.metricsPort());
                return s.contains("walstream_archiver_commit_wait_seconds_count")
                    && s.contains("walstream_archiver_cut_latency_seconds_count");
              });
      exported.addAll(names(scrape(archiver.metricsPort())));
    }
    try (RestoreService service =
            RestoreService.start(RestoreServiceConfig.parse(service(id, archive)));
        IngestApp ingest = IngestApp.start(IngestConfig.parse(ingest(id)))) {
      exported.addAll(names(scrape(service.metricsPort())));
      await("the ingest's Kafka clients registered")
          .atMost(Duration.ofMinutes(1))
          .until(() -> scrape(ingest.metricsPort()).contains("kafka_consumer_"));
      exported.addAll(names(scrape(ingest.metricsPort())));
    }
    exported.addAll(followerNames(archive));

    List<String> asked = new ArrayList<>();
    List<String> titles = new ArrayList<>();
    JsonNode dashboard =
        new ObjectMapper().readTree(Path.of("..", "docs", "grafana-dashboard.json").toFile());
    for (JsonNode panel : dashboard.get("panels")) {
      titles.add(panel.get("title").asText());
      for (JsonNode target : panel.path("targets")) {
        Matcher m = METRIC.matcher(target.get("expr").asText());
        while (m.find()) {
          asked.add(m.group(1));
        }
      }
    }
    asked.add(firstMetric(dashboard.at("/templating/list/1/query").asText()));
    assertThat(asked).isNotEmpty();
    assertThat(exported)
        .as("metrics the dashboard queries, in the live scrapes")
        .containsAll(asked);
    assertThat(String.join("|", titles))
        .contains("Throughput", "lag", "Cut latency", "Commit wait", "Dead letters by reason")
        .contains("Storage retries", "Restore jobs by state", "Follower lag");
  }

  private static String firstMetric(String query) {
    Matcher m = METRIC.matcher(query);
    assertThat(m.find()).as(query).isTrue();
    return m.group(1);
  }

  private Map<String, Object> service(String id, Path archive) {
    Map<String, Object> s = new HashMap<>();
    s.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    s.put(RestoreServiceConfig.ARCHIVE_URI, archive.toUri().toString());
    s.put(RestoreServiceConfig.COMMANDS_TOPIC, id + ".commands");
    s.put(RestoreServiceConfig.STATUS_TOPIC, id + ".status");
    s.put(RestoreServiceConfig.GROUP_ID, id + "-restorer");
    s.put("metrics.port", 0);
    return s;
  }

  private Map<String, Object> ingest(String id) {
    Map<String, Object> s = new HashMap<>();
    s.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    s.put(IngestConfig.TOPICS_REGEX, id + "\\.pg\\..*");
    s.put(IngestConfig.OUTPUT_TOPIC, id + ".ingested");
    s.put(IngestConfig.DLQ_TOPIC, id + ".ingest.dlq");
    s.put("application.id", id + "-ingest");
    s.put("state.dir", dir.resolve("ingest-state").toString());
    s.put("metrics.port", 0);
    return s;
  }

  /** The names a follower of the archive exports ({@code restore --follow --metrics-port}). */
  private Set<String> followerNames(Path archive) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Process p =
        new ProcessBuilder(
                ChildJvm.jar(
                    JAR,
                    List.of(
                        "restore",
                        "--archive",
                        archive.toUri().toString(),
                        "--database",
                        "shop",
                        "--latest",
                        "--output",
                        dir.resolve("follow.db").toString(),
                        "--follow",
                        "--metrics-port",
                        Integer.toString(port))))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("follow.log").toFile())
            .start();
    try {
      int at = port;
      await("the follower serves /metrics (log: " + dir.resolve("follow.log") + ")")
          .atMost(Duration.ofMinutes(1))
          .ignoreExceptions()
          .until(() -> scrape(at).contains("walstream_follow_lag_seconds"));
      return names(scrape(port));
    } finally {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** Metric names of a Prometheus text scrape, with and without the suffixes of a summary. */
  private static Set<String> names(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{');
      if (end < 0) {
        end = line.indexOf(' ');
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
