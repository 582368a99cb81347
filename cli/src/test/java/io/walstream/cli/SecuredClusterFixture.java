package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.restorer.service.RestoreServiceConfig;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.jsonl.JsonLines;
import io.walstream.schemas.testing.ChildJvm;
import io.walstream.schemas.testing.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the secured-cluster tests share: the broker of their JVM secured (SASL SCRAM-SHA-512 and the
 * standard KRaft authorizer, nothing allowed without an ACL), its topics, principals granted the
 * README's ACL rows, and the packaged jar run as a user runs it.
 */
abstract class SecuredClusterFixture {
  static final String CHANGES = "walstream.changes";
  static final long TRANSACTIONS = 12;

  static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar")).toAbsolutePath();

  @TempDir Path dir;

  /** What a user sees: the packaged jar in a child JVM, its stdout and stderr apart. */
  record Run(int code, String stdout, String stderr) {}

  Run walstream(String... args) throws Exception {
    Path out = dir.resolve("stdout-" + System.nanoTime());
    Path err = dir.resolve("stderr-" + System.nanoTime());
    Process p =
        new ProcessBuilder(ChildJvm.jar(JAR, List.of(args)))
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @BeforeAll
  static void topics() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        KafkaBroker.secured(), "needs -Dwalstream.it.broker=secured (its own failsafe execution)");
    try (Admin admin = KafkaBroker.admin()) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> topics = new ArrayList<>();
      for (String t :
          List.of(
              CHANGES,
              "walstream.manifests",
              "walstream.dlq",
              "walstream.restore.commands",
              "walstream.restore.status",
              "walstream.ingest.dlq",
              "pg.public.accounts",
              "pg.transaction",
              io.walstream.cli.command.CommandGrants.EXAMPLE_RESTORE_TOPIC)) {
        if (!existing.contains(t)) {
          NewTopic topic = new NewTopic(t, 1, (short) 1);
          if (t.equals("walstream.restore.status")) {
            topic.configs(
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
          }
          topics.add(topic);
        }
      }
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** Creates {@code User:<user>} and grants it the README's rows of {@code components}. */
  static Map<String, String> principal(
      String user, String password, String dropping, String... components) throws Exception {
    KafkaBroker.createUser(user, password);
    Set<AclBinding> acls = new java.util.LinkedHashSet<>();
    for (String component : components) {
      for (KafkaAclTable.Row row : KafkaAclTable.of(component)) {
        if (!(row.resource() + " " + row.name()).equals(dropping)) {
          acls.addAll(row.bindings("User:" + user));
        }
      }
    }
    try (Admin admin = KafkaBroker.admin()) {
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
      await("ACLs of " + user + " in force")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  admin.describeAcls(AclBindingFilter.ANY).values().get().stream()
                          .filter(b -> b.entry().principal().equals("User:" + user))
                          .count()
                      == acls.size());
    }
    return KafkaBroker.scramSettings(user, password);
  }

  Path commandConfig(String name, Map<String, String> settings) throws Exception {
    StringBuilder sb = new StringBuilder();
    settings.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return Files.writeString(dir.resolve(name + ".properties"), sb.toString());
  }

  Path jsonLines(long transactions) throws Exception {
    List<String> lines = new ArrayList<>();
    for (long k = 1; k <= transactions; k++) {
      for (ChangeRecord r : ShopWorkload.transaction(k)) {
        lines.add(JsonLines.format(r));
      }
    }
    return Files.write(dir.resolve("shop.jsonl"), lines, StandardCharsets.UTF_8);
  }

  Map<String, Object> archiverSettings(Map<String, String> security) {
    Map<String, Object> s = new HashMap<>(security);
    s.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    s.put(ArchiverConfig.ARCHIVE_URI, dir.resolve("archive").toUri().toString());
    s.put(ArchiverConfig.METRICS_PORT, 0);
    s.put("commit.interval.ms", 200);
    s.put("state.dir", dir.resolve("archiver-state").toString());
    return s;
  }

  Map<String, Object> serviceSettings(Map<String, String> security) {
    Map<String, Object> s = new HashMap<>(security);
    s.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    s.put(RestoreServiceConfig.ARCHIVE_URI, dir.resolve("archive").toUri().toString());
    s.put(RestoreServiceConfig.SQLITE_ALLOWED_DIRS, dir.toString());
    s.put("metrics.port", 0);
    return s;
  }

  /** Committed records of {@code database} in {@code topic}, read as the administrator. */
  static long committedRecords(String topic, String database) {
    Map<String, Object> props = new HashMap<>(KafkaBroker.adminSettings());
    props.put("isolation.level", "read_committed");
    try (var consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
            props,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      var partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
      long count = 0;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          if (new String(r.key(), StandardCharsets.UTF_8).equals(database)) {
            count++;
          }
        }
      }
      return count;
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** False (try again) unless the attempt failed for want of a grant, which fails the test. */
  static boolean assertNotRefused(CapturedCli cli) {
    assertThat(cli.stderr()).doesNotContain("Kafka refused", "NOT_AUTHORIZED");
    return false;
  }

  static String health(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }
}
