package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.restorer.service.RestoreService;
import io.walstream.restorer.service.RestoreServiceConfig;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * On the secured cluster, each component with one of its README ACL rows taken away, or a wrong
 * password: one line naming the principal, the operations and the resource, exit code 9 ({@code
 * NOT_AUTHORIZED}); the long-running apps stop and say so on {@code /health}; no password shown.
 */
class SecuredRefusalsIT extends SecuredClusterFixture {
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

  /** An archive of shop with 20 transactions, written directly (no manifests topic needed). */
  private String archive() throws Exception {
    Path archive = dir.resolve("archive");
    io.walstream.archive.writer.ArchiveWriter writer =
        new io.walstream.archive.writer.ArchiveWriter(
            new io.walstream.archive.store.FileSystemObjectStore(archive), "secured-test");
    io.walstream.archive.read.StreamHead head =
        writer.loadHead(new io.walstream.archive.layout.StreamId("shop", CHANGES, 0));
    writer.commit(
        head,
        io.walstream.archive.testing.Records.batch(
            io.walstream.archive.testing.Records.transactions("shop", 100, 20, 2), 0));
    return archive.toUri().toString();
  }

  @Test
  void shouldExitWithNineNamingTheManifestsTopicWhenVerifyMayNotReadIt() throws Exception {
    Map<String, String> user =
        principal(
            "verifier-noread",
            "pw-7",
            "topic walstream.manifests",
            "verify, restore with --bootstrap-servers");
    Run run =
        walstream(
            "verify",
            "--archive",
            archive(),
            "--bootstrap-servers",
            KafkaBroker.bootstrapServers(),
            "--command-config",
            commandConfig("verifier-noread", user).toString());
    assertThat(run.code()).as(run.stderr()).isEqualTo(9);
    assertThat(run.stderr())
        .isEqualTo(
            "walstream verify: Kafka refused User:verifier-noread (cannot read manifests topic"
                + " walstream.manifests): no ACL allows DESCRIBE, READ on topic"
                + " 'walstream.manifests' (README, Kafka ACLs)\n");
  }

  @Test
  void shouldExitWithNineNamingTheTransactionalIdsWhenARestoreIntoATopicMayNotUseThem()
      throws Exception {
    String topic = io.walstream.cli.command.CommandGrants.EXAMPLE_RESTORE_TOPIC;
    Map<String, String> user =
        principal(
            "topic-restorer-notx",
            "pw-8",
            "transactional id walstream-restore-" + topic + "-",
            "restore --topic " + topic);
    Run run =
        walstream(
            "restore",
            "--archive",
            archive(),
            "--database",
            "shop",
            "--latest",
            "--topic",
            topic,
            "--bootstrap-servers",
            KafkaBroker.bootstrapServers(),
            "--no-anchor-check",
            "--command-config",
            commandConfig("topic-restorer-notx", user).toString());
    assertThat(run.code()).as(run.stderr()).isEqualTo(9);
    assertThat(run.stderr().lines()).hasSize(1);
    assertThat(run.stderr())
        .startsWith("walstream restore: Kafka refused User:topic-restorer-notx")
        .contains(
            "no ACL allows DESCRIBE, WRITE on transactional id prefix 'walstream-restore-"
                + topic
                + "-'");
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
