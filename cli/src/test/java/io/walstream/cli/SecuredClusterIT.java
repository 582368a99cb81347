package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.restorer.service.RestoreService;
import io.walstream.restorer.service.RestoreServiceConfig;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * walstream on a cluster that authenticates (SASL SCRAM-SHA-512) and authorizes every operation
 * (the standard KRaft authorizer, nothing allowed without an ACL): one principal per component,
 * each granted exactly the README's ACL rows for it. The archiver, the restore service, {@code
 * publish}, {@code request-restore}, {@code restore-status}, {@code verify}, {@code restore
 * --topic} and the ingest run end to end under them, and what they restore equals the model. {@link
 * SecuredRefusalsIT} takes rows away.
 *
 * <p>Runs in a failsafe execution of its own, whose JVM's one broker is the secured one.
 */
class SecuredClusterIT extends SecuredClusterFixture {
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
}
