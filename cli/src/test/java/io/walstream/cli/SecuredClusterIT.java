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
              "walstream.restore.status")) {
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
