package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.restorer.service.RestoreService;
import io.walstream.restorer.service.RestoreServiceConfig;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
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
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * walstream on a cluster that authenticates (SASL SCRAM-SHA-512) and authorizes every operation
 * (the standard KRaft authorizer, nothing allowed without an ACL): one principal per component,
 * each granted exactly the README's ACL rows for it. The archiver, the restore service, {@code
 * publish} and {@code request-restore} run end to end under them and the restored database equals
 * the model; with one row taken away, or a wrong password, each fails in one line naming the
 * principal, the operation and the resource, with exit code 9, and the long-running apps stop and
 * say so on {@code /health}.
 *
 * <p>Runs in a failsafe execution of its own, whose JVM's one broker is the secured one.
 */
class SecuredClusterIT {
  private static final String CHANGES = "walstream.changes";
  private static final long TRANSACTIONS = 12;

  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar")).toAbsolutePath();

  @TempDir Path dir;

  /** What a user sees: the packaged jar in a child JVM, its stdout and stderr apart. */
  private record Run(int code, String stdout, String stderr) {}

  private Run walstream(String... args) throws Exception {
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
  private static Map<String, String> principal(
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

  private Path commandConfig(String name, Map<String, String> settings) throws Exception {
    StringBuilder sb = new StringBuilder();
    settings.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return Files.writeString(dir.resolve(name + ".properties"), sb.toString());
  }

  private Path jsonLines(long transactions) throws Exception {
    List<String> lines = new ArrayList<>();
    for (long k = 1; k <= transactions; k++) {
      for (ChangeRecord r : ShopWorkload.transaction(k)) {
        lines.add(JsonLines.format(r));
      }
    }
    return Files.write(dir.resolve("shop.jsonl"), lines, StandardCharsets.UTF_8);
  }

  private Map<String, Object> archiverSettings(Map<String, String> security) {
    Map<String, Object> s = new HashMap<>(security);
    s.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    s.put(ArchiverConfig.ARCHIVE_URI, dir.resolve("archive").toUri().toString());
    s.put(ArchiverConfig.METRICS_PORT, 0);
    s.put("commit.interval.ms", 200);
    s.put("state.dir", dir.resolve("archiver-state").toString());
    return s;
  }

  private Map<String, Object> serviceSettings(Map<String, String> security) {
    Map<String, Object> s = new HashMap<>(security);
    s.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    s.put(RestoreServiceConfig.ARCHIVE_URI, dir.resolve("archive").toUri().toString());
    s.put(RestoreServiceConfig.SQLITE_ALLOWED_DIRS, dir.toString());
    s.put("metrics.port", 0);
    return s;
  }

  @Test
  void shouldArchiveAndRestoreThroughTheServiceWithOnlyTheDocumentedAcls() throws Exception {
    Map<String, String> archiverUser = principal("archiver", "archiver-pw", "", "archiver");
    Map<String, String> serviceUser = principal("restorer", "restorer-pw", "", "restore service");
    Map<String, String> publisher = principal("publisher", "publisher-pw", "", "publish");
    Map<String, String> operator =
        principal(
            "operator",
            "operator-pw",
            "",
            "request-restore, request-snapshot, cancel-restore",
            "restore-status");
    CapturedCli cli = new CapturedCli();
    try (ArchiverApp archiver =
            ArchiverApp.start(ArchiverConfig.parse(archiverSettings(archiverUser)));
        RestoreService service =
            RestoreService.start(RestoreServiceConfig.parse(serviceSettings(serviceUser)))) {
      int published =
          cli.run(
              "publish",
              "--bootstrap-servers",
              KafkaBroker.bootstrapServers(),
              "--topic",
              CHANGES,
              "--input",
              jsonLines(TRANSACTIONS).toString(),
              "--command-config",
              commandConfig("publisher", publisher).toString());
      assertThat(published).as(cli.stderr()).isZero();
      Path restored = dir.resolve("restored.db");
      cli.clear();
      await("the archive holds every transaction (last attempt: " + cli.stderr() + ")")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                cli.clear();
                return cli.run(
                            "request-restore",
                            "--bootstrap-servers",
                            KafkaBroker.bootstrapServers(),
                            "--command-config",
                            commandConfig("operator", operator).toString(),
                            "--database",
                            "shop",
                            "--lsn",
                            Long.toString(TRANSACTIONS),
                            "--output",
                            restored.toString(),
                            "--force",
                            "--wait",
                            "--timeout",
                            "60s")
                        == 0
                    || assertNotRefused(cli);
              });
      assertThat(ShopWorkload.sqliteState(restored)).isEqualTo(ShopWorkload.model(TRANSACTIONS));
      assertThat(archiver.failure()).isNull();
      assertThat(service.failure()).isNull();
      cli.clear();
      assertThat(
              cli.run(
                  "restore-status",
                  "--bootstrap-servers",
                  KafkaBroker.bootstrapServers(),
                  "--command-config",
                  commandConfig("operator", operator).toString()))
          .as(cli.stderr())
          .isZero();
      assertThat(cli.stdout()).contains("SUCCEEDED");
    }
    Map<String, String> reader =
        principal(
            "restorer-cli",
            "restorer-cli-pw",
            "",
            "verify, restore with --bootstrap-servers",
            "restore --topic " + io.walstream.cli.command.CommandGrants.EXAMPLE_RESTORE_TOPIC);
    String readerConfig = commandConfig("restorer-cli", reader).toString();
    String uri = dir.resolve("archive").toUri().toString();
    cli.clear();
    assertThat(
            cli.run(
                "verify",
                "--archive",
                uri,
                "--bootstrap-servers",
                KafkaBroker.bootstrapServers(),
                "--command-config",
                readerConfig))
        .as(cli.stderr())
        .isZero();
    cli.clear();
    assertThat(
            cli.run(
                "restore",
                "--archive",
                uri,
                "--database",
                "shop",
                "--lsn",
                Long.toString(TRANSACTIONS),
                "--topic",
                io.walstream.cli.command.CommandGrants.EXAMPLE_RESTORE_TOPIC,
                "--bootstrap-servers",
                KafkaBroker.bootstrapServers(),
                "--command-config",
                readerConfig))
        .as(cli.stderr())
        .isZero();
    assertThat(
            committedRecords(io.walstream.cli.command.CommandGrants.EXAMPLE_RESTORE_TOPIC, "shop"))
        .isEqualTo(ShopWorkload.records(TRANSACTIONS));
  }

  /** Committed records of {@code database} in {@code topic}, read as the administrator. */
  private static long committedRecords(String topic, String database) {
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

  @Test
  void shouldIngestDebeziumEventsWithOnlyTheDocumentedAcls() throws Exception {
    Map<String, String> user = principal("ingest", "ingest-pw", "", "ingest");
    Map<String, Object> settings = new HashMap<>(user);
    settings.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    settings.put(io.walstream.ingest.config.IngestConfig.TOPICS_REGEX, "pg\\.public\\..*");
    settings.put(io.walstream.ingest.config.IngestConfig.TRANSACTION_TOPIC, "pg.transaction");
    settings.put(io.walstream.ingest.config.IngestConfig.DATABASE, "pgshop");
    settings.put("metrics.port", 0);
    settings.put("state.dir", dir.resolve("ingest-state").toString());
    try (var ingest =
            io.walstream.ingest.app.IngestApp.start(
                io.walstream.ingest.config.IngestConfig.parse(settings));
        var producer =
            new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                KafkaBroker.adminSettings(),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      var end =
          new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(
              "pg.transaction",
              utf8("{\"id\":\"77:700\"}"),
              utf8(
                  "{\"status\":\"END\",\"id\":\"77:700\",\"event_count\":1,"
                      + "\"data_collections\":[],\"ts_ms\":1700000000000}"));
      end.headers().add(io.walstream.ingest.connect.CommitLsnHeader.HEADER, utf8("700"));
      producer.send(end);
      producer.send(
          new org.apache.kafka.clients.producer.ProducerRecord<>(
              "pg.public.accounts",
              utf8("{\"id\":1}"),
              utf8(
                  "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":{\"db\":\"src\","
                      + "\"schema\":\"public\",\"table\":\"accounts\",\"ts_us\":1700000000000001,"
                      + "\"lsn\":600},\"op\":\"c\",\"transaction\":{\"id\":\"77:600\","
                      + "\"total_order\":1,\"data_collection_order\":1}}")));
      producer.flush();
      await("the ingest released the transaction")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> ingest.failure() != null || committedRecords(CHANGES, "pgshop") == 1);
      assertThat(ingest.failure()).isNull();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** False (try again) unless the attempt failed for want of a grant, which fails the test. */
  private static boolean assertNotRefused(CapturedCli cli) {
    assertThat(cli.stderr()).doesNotContain("Kafka refused", "NOT_AUTHORIZED");
    return false;
  }

  @Test
  void shouldStopTheArchiverInOneLineNamingPrincipalOperationAndGroupWhenItsGroupAclIsMissing()
      throws Exception {
    Map<String, String> user =
        principal("archiver-nogroup", "pw-1", "group walstream-archiver", "archiver");
    Map<String, Object> settings = archiverSettings(user);
    settings.put("application.id", "walstream-archiver");
    try (ArchiverApp archiver = ArchiverApp.start(ArchiverConfig.parse(settings))) {
      await("the archiver stops")
          .atMost(Duration.ofMinutes(1))
          .until(() -> archiver.failure() != null);
      Throwable failure = archiver.failure();
      assertThat(failure).isInstanceOf(WalstreamException.class);
      assertThat(((WalstreamException) failure).kind()).isEqualTo(ErrorKind.NOT_AUTHORIZED);
      assertThat(failure.getMessage())
          .isEqualTo(
              "Kafka refused User:archiver-nogroup (archiver): no ACL allows READ on group"
                  + " 'walstream-archiver' (README, Kafka ACLs)");
      assertThat(health(archiver.metricsPort())).contains(failure.getMessage());
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> archiver.state() == KafkaStreams.State.ERROR);
    }
  }

  private static String health(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  @Test
  void shouldRefuseToStartTheRestoreServiceInOneLineWhenItMayNotUseItsStatusTopic()
      throws Exception {
    Map<String, String> user =
        principal("restorer-nostatus", "pw-2", "topic walstream.restore.status", "restore service");
    RestoreServiceConfig config = RestoreServiceConfig.parse(serviceSettings(user));
    // Without DESCRIBE the topic looks missing; creating it is refused: the line names the row.
    assertThatThrownBy(() -> RestoreService.start(config).close())
        .isInstanceOfSatisfying(
            WalstreamException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_AUTHORIZED))
        .hasMessage(
            "Kafka refused User:restorer-nostatus (restore service): no ACL allows DESCRIBE, READ,"
                + " WRITE on topic 'walstream.restore.status' (README, Kafka ACLs)");
  }

  @Test
  void shouldExitWithNineNamingTheTransactionalIdWhenPublishMayNotUseTransactions()
      throws Exception {
    Map<String, String> user =
        principal("publisher-notx", "pw-3", "transactional id walstream-publish-", "publish");
    Run run =
        walstream(
            "publish",
            "--bootstrap-servers",
            KafkaBroker.bootstrapServers(),
            "--topic",
            CHANGES,
            "--input",
            jsonLines(1).toString(),
            "--command-config",
            commandConfig("publisher-notx", user).toString());
    assertThat(run.code()).as(run.stderr()).isEqualTo(9);
    assertThat(run.stderr())
        .isEqualTo(
            "walstream publish: Kafka refused User:publisher-notx (cannot publish to topic"
                + " walstream.changes): no ACL allows DESCRIBE, WRITE on transactional id prefix"
                + " 'walstream-publish-' (README, Kafka ACLs)\n");
  }

  @Test
  void shouldExitWithNineNamingTheTopicWhenRequestRestoreMayNotWriteCommands() throws Exception {
    Map<String, String> user =
        principal(
            "operator-nowrite",
            "pw-4",
            "topic walstream.restore.commands",
            "request-restore, request-snapshot, cancel-restore");
    Run run =
        walstream(
            "request-restore",
            "--bootstrap-servers",
            KafkaBroker.bootstrapServers(),
            "--command-config",
            commandConfig("operator-nowrite", user).toString(),
            "--database",
            "shop",
            "--latest",
            "--output",
            dir.resolve("never.db").toString(),
            "--command-id",
            "never");
    assertThat(run.code()).as(run.stderr()).isEqualTo(9);
    assertThat(run.stderr())
        .isEqualTo(
            "walstream request-restore: Kafka refused User:operator-nowrite (cannot send command"
                + " never to topic walstream.restore.commands): no ACL allows DESCRIBE, WRITE on"
                + " topic 'walstream.restore.commands' (README, Kafka ACLs)\n");
  }

  @Test
  void shouldStopTheIngestInOneLineWhenItsGroupAclIsMissing() throws Exception {
    Map<String, String> user =
        principal("ingest-nogroup", "pw-5", "group walstream-ingest", "ingest");
    Map<String, Object> settings = new HashMap<>(user);
    settings.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    settings.put(io.walstream.ingest.config.IngestConfig.TOPICS_REGEX, "pg\\.public\\..*");
    settings.put(io.walstream.ingest.config.IngestConfig.TRANSACTION_TOPIC, "pg.transaction");
    settings.put("metrics.port", 0);
    settings.put("state.dir", dir.resolve("ingest-state").toString());
    try (var ingest =
        io.walstream.ingest.app.IngestApp.start(
            io.walstream.ingest.config.IngestConfig.parse(settings))) {
      await("the ingest stops").atMost(Duration.ofMinutes(1)).until(() -> ingest.failure() != null);
      assertThat(WalstreamException.kindOf(ingest.failure())).isEqualTo(ErrorKind.NOT_AUTHORIZED);
      assertThat(ingest.failure().getMessage())
          .isEqualTo(
              "Kafka refused User:ingest-nogroup (ingest): no ACL allows READ on group"
                  + " 'walstream-ingest' (README, Kafka ACLs)");
    }
  }

  @Test
  void shouldExitWithNineNamingTheTopicWhenRestoreStatusMayNotReadStatuses() throws Exception {
    Map<String, String> user =
        principal("operator-noread", "pw-6", "topic walstream.restore.status", "restore-status");
    Run run =
        walstream(
            "restore-status",
            "--bootstrap-servers",
            KafkaBroker.bootstrapServers(),
            "--command-config",
            commandConfig("operator-noread", user).toString());
    assertThat(run.code()).as(run.stderr()).isEqualTo(9);
    assertThat(run.stderr().lines()).hasSize(1);
    assertThat(run.stderr())
        .startsWith("walstream restore-status: Kafka refused User:operator-noread")
        .contains("no ACL allows DESCRIBE, READ on topic 'walstream.restore.status'");
  }

  @Test
  void shouldExitWithNineOnAWrongPasswordWithoutShowingIt() throws Exception {
    Map<String, String> right = principal("operator-pw", "the-right-one", "", "restore-status");
    Map<String, String> wrong = new HashMap<>(right);
    wrong.put(
        "sasl.jaas.config", right.get("sasl.jaas.config").replace("the-right-one", "s3cr3t-wrong"));
    Run run =
        walstream(
            "restore-status",
            "--bootstrap-servers",
            KafkaBroker.bootstrapServers(),
            "--command-config",
            commandConfig("operator-wrong", wrong).toString(),
            "--json");
    assertThat(run.code()).as(run.stderr()).isEqualTo(9);
    assertThat(run.stderr()).startsWith("walstream restore-status: Kafka at ");
    assertThat(run.stderr()).contains("refused the credentials of User:operator-pw");
    assertThat(run.stderr().lines()).hasSize(1);
    assertThat(run.stdout()).contains("\"kind\" : \"NOT_AUTHORIZED\"");
    assertThat(run.stderr() + run.stdout()).doesNotContain("s3cr3t-wrong");
  }
}
