package io.walstream.restorer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.avro.SinkKind;
import io.walstream.schemas.avro.SinkSpec;
import io.walstream.schemas.avro.TargetKind;
import io.walstream.schemas.testing.KafkaBroker;
import io.walstream.schemas.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restore service against a real broker, a real archive and real SQLite outputs. */
class RestoreServiceIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  private RestoreService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  private RestoreService start(ServiceFixture f, Map<String, Object> extra) {
    Map<String, Object> settings = f.settings();
    settings.putAll(extra);
    service = RestoreService.start(RestoreServiceConfig.parse(settings));
    return service;
  }

  private static RestoreStatus finish(ServiceFixture f, RestoreCommand command) {
    return f.finish(command, WAIT);
  }

  @Test
  void shouldGoThroughEveryStateAndRestoreWhatTheOracleExpectsWhenCommanded() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 400, 3);
    start(f, Map.of());
    long target = ServiceFixture.FIRST_LSN + 250;
    Path output = f.outputs.resolve("shop-250.db");

    RestoreStatus end =
        finish(f, ServiceFixture.restore("job-1", TargetKind.LSN, target, output).build());

    assertThat(end.getState()).as(String.valueOf(end)).isEqualTo(JobState.SUCCEEDED);
    assertThat(end.getRecoveredLsn()).isEqualTo(target);
    assertThat(end.getRows()).isEqualTo(251L * 3);
    // 1 200 records in segments of 500: lsn 1250 lies in the second.
    assertThat(end.getPlanSegments()).isEqualTo(2);
    assertThat(end.getPlanFirstLsn()).isEqualTo(ServiceFixture.FIRST_LSN);
    assertThat(end.getDurationMs()).isNotNull();
    assertThat(end.getInstanceId()).isEqualTo(service.instanceId());
    assertThat(ServiceFixture.actual(output)).isEqualTo(f.expected(target));
    List<JobState> states = f.history("job-1").stream().map(RestoreStatus::getState).toList();
    assertThat(states)
        .startsWith(JobState.ACCEPTED, JobState.PLANNED, JobState.RUNNING)
        .endsWith(JobState.SUCCEEDED)
        .containsOnlyOnce(JobState.SUCCEEDED);
  }

  @Test
  void shouldStartFromTheLatestSnapshotAndSayWhichInThePlan() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 400, 3);
    long at = ServiceFixture.FIRST_LSN + 200;
    var snapshot =
        new io.walstream.restorer.snapshot.SnapshotBuilder(
                new io.walstream.archive.store.FileSystemObjectStore(f.archive), "service-it")
            .build(
                ServiceFixture.DB,
                new io.walstream.restorer.plan.RestoreTarget.AtLsn(at),
                io.walstream.restorer.plan.GapPolicy.REFUSE,
                dir)
            .snapshot();
    start(f, Map.of());
    long latest = ServiceFixture.FIRST_LSN + 399;
    Path output = f.outputs.resolve("shop-latest.db");

    RestoreStatus end =
        finish(f, ServiceFixture.restore("job-s", TargetKind.LATEST, null, output).build());

    assertThat(end.getState()).as(String.valueOf(end)).isEqualTo(JobState.SUCCEEDED);
    assertThat(end.getRecoveredLsn()).isEqualTo(latest);
    assertThat(ServiceFixture.actual(output)).isEqualTo(f.expected(latest));
    RestoreStatus planned =
        f.history("job-s").stream()
            .filter(s -> s.getState() == JobState.PLANNED)
            .findFirst()
            .orElseThrow();
    assertThat(planned.getPlanSnapshotKey()).isEqualTo(snapshot.key());
    assertThat(planned.getPlanSnapshotLsn()).isEqualTo(at);
    // 1 200 records in segments of 500: the snapshot covers the first wholly, two remain.
    assertThat(planned.getPlanSegments()).isEqualTo(2);
  }

  @Test
  void shouldRunACommandOnceWhenItIsPublishedAgainAndAfterARestart() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 50, 2);
    start(f, Map.of());
    RestoreCommand command =
        ServiceFixture.restore("dup", TargetKind.LATEST, null, f.outputs.resolve("dup.db")).build();

    assertThat(finish(f, command).getState()).isEqualTo(JobState.SUCCEEDED);
    f.client().send(command);
    service.close();
    start(f, Map.of());
    f.client().send(command);
    // A later command proves the duplicates before it were consumed and ignored.
    RestoreStatus marker =
        finish(
            f,
            ServiceFixture.restore("marker", TargetKind.LATEST, null, f.outputs.resolve("m.db"))
                .build());

    assertThat(marker.getState()).isEqualTo(JobState.SUCCEEDED);
    assertThat(f.history("dup").stream().filter(s -> s.getState() == JobState.ACCEPTED)).hasSize(1);
    assertThat(f.history("dup").stream().filter(s -> s.getState() == JobState.SUCCEEDED))
        .hasSize(1);
  }

  @Test
  void shouldRejectBadCommandsWithTheReasonAndKeepServing() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 20, 1);
    start(f, Map.of());
    Files.createDirectories(dir.resolve("secret"));
    Files.createDirectories(f.outputs);
    Files.createSymbolicLink(f.outputs.resolve("escape"), dir.resolve("secret"));
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", KafkaBroker.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      raw.send(
              new ProducerRecord<>(
                  f.commands, "garbage", "not avro".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    RestoreStatus garbage = f.client().await("garbage", WAIT, s -> {}).orElseThrow();
    RestoreStatus outside =
        finish(
            f,
            ServiceFixture.restore("outside", TargetKind.LATEST, null, dir.resolve("x.db"))
                .build());
    RestoreStatus dotDot =
        finish(
            f,
            ServiceFixture.restore(
                    "dotdot", TargetKind.LATEST, null, f.outputs.resolve("../secret/x.db"))
                .build());
    RestoreStatus symlink =
        finish(
            f,
            ServiceFixture.restore(
                    "symlink", TargetKind.LATEST, null, f.outputs.resolve("escape/x.db"))
                .build());
    RestoreStatus unknown =
        finish(
            f,
            ServiceFixture.restore("unknown", TargetKind.LATEST, null, f.outputs.resolve("u.db"))
                .setDatabase("nope")
                .build());
    RestoreStatus outOfWindow =
        finish(
            f,
            ServiceFixture.restore("early", TargetKind.LSN, 5L, f.outputs.resolve("early.db"))
                .build());
    RestoreStatus good =
        finish(
            f,
            ServiceFixture.restore("good", TargetKind.LATEST, null, f.outputs.resolve("good.db"))
                .build());

    assertThat(garbage.getState()).isEqualTo(JobState.REJECTED);
    assertThat(garbage.getErrorKind()).isEqualTo(ErrorKind.REJECTED);
    assertThat(garbage.getMessage()).contains("Cannot decode command at " + f.commands + "-0@0");
    assertThat(outside.getState()).isEqualTo(JobState.REJECTED);
    assertThat(outside.getMessage()).contains("outside the allowed directories");
    assertThat(dotDot.getMessage()).contains("outside the allowed directories");
    assertThat(symlink.getMessage())
        .contains(dir.toRealPath().resolve("secret/x.db").toString())
        .contains("outside");
    assertThat(unknown.getMessage()).contains("'nope' is not in the archive");
    assertThat(outOfWindow.getState()).isEqualTo(JobState.FAILED);
    assertThat(outOfWindow.getErrorClass()).isEqualTo("TargetNotRestorableException");
    assertThat(outOfWindow.getErrorKind()).isEqualTo(ErrorKind.TARGET_NOT_RESTORABLE);
    assertThat(outOfWindow.getErrorMessage()).contains("lsn 1000");
    assertThat(good.getState()).isEqualTo(JobState.SUCCEEDED);
    assertThat(Files.exists(dir.resolve("x.db"))).isFalse();
    assertThat(Files.exists(f.outputs.resolve("early.db"))).isFalse();
    assertThat(ServiceFixture.actual(f.outputs.resolve("good.db")))
        .isEqualTo(f.expected(Long.MAX_VALUE));
  }

  @Test
  void shouldRunTwoJobsAtOnceWhenBothAreRequested() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 20_000, 2);
    start(f, Map.of(RestoreServiceConfig.MAX_CONCURRENT_JOBS, "2"));
    RestoreClient client = f.client();
    client.send(
        ServiceFixture.restore("a", TargetKind.LATEST, null, f.outputs.resolve("a.db")).build());
    client.send(
        ServiceFixture.restore("b", TargetKind.LATEST, null, f.outputs.resolve("b.db")).build());

    RestoreStatus a = client.await("a", WAIT, s -> {}).orElseThrow();
    RestoreStatus b = client.await("b", WAIT, s -> {}).orElseThrow();

    assertThat(a.getState()).isEqualTo(JobState.SUCCEEDED);
    assertThat(b.getState()).isEqualTo(JobState.SUCCEEDED);
    // Each started before the other finished.
    assertThat(a.getStartedAt()).isBefore(b.getFinishedAt());
    assertThat(b.getStartedAt()).isBefore(a.getFinishedAt());
    assertThat(ServiceFixture.actual(f.outputs.resolve("b.db")))
        .isEqualTo(f.expected(Long.MAX_VALUE));
  }

  @Test
  void shouldNeverReportAnotherCommandsJobAsTheOutcomeOfAReusedCommandId() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 50, 2);
    start(f, Map.of());
    RestoreClient client = f.client();
    RestoreCommand first =
        ServiceFixture.restore("reused", TargetKind.LATEST, null, f.outputs.resolve("a.db"))
            .build();
    RestoreStatus done = finish(f, first);
    RestoreCommand other =
        ServiceFixture.restore(
                "reused", TargetKind.LSN, ServiceFixture.FIRST_LSN + 3, f.outputs.resolve("b.db"))
            .build();
    RestoreCommand again =
        RestoreCommand.newBuilder(first)
            .setRequestedAt(first.getRequestedAt().plusSeconds(60))
            .build();

    client.send(other);
    assertThatThrownBy(() -> client.awaitOwn(other, WAIT, s -> {}))
        .isInstanceOf(CommandIdInUseException.class)
        .hasMessageContaining("already used by another command")
        .hasMessageContaining("nothing was restored");
    client.send(again);
    RestoreStatus repeated = client.awaitOwn(again, WAIT, s -> {}).orElseThrow();

    assertThat(done.getState()).isEqualTo(JobState.SUCCEEDED);
    assertThat(repeated.getState()).isEqualTo(JobState.SUCCEEDED);
    assertThat(repeated.getCommandFingerprint()).isEqualTo(CommandFingerprint.of(first));
    assertThat(f.outputs.resolve("b.db")).doesNotExist();
    // The other command published no status under the id: the first job's stays the outcome.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(
            () ->
                CommandFingerprint.of(first)
                    .equals(service.jobs().get("reused").orElseThrow().getCommandFingerprint()));
  }

  @Test
  void shouldAnswerTheCancelOfAnUnknownCommandIdAtOnce() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 10, 1);
    start(f, Map.of());
    RestoreClient client = f.client();

    client.send(
        RestoreCommand.newBuilder(
                ServiceFixture.restore("nobody", TargetKind.LATEST, null, f.outputs.resolve("n.db"))
                    .build())
            .setType(CommandType.CANCEL)
            .build());
    RestoreStatus end = client.await("nobody", WAIT, s -> {}).orElseThrow();

    assertThat(end.getState()).isEqualTo(JobState.REJECTED);
    assertThat(end.getMessage()).contains("unknown command id nobody");
    assertThat(end.getErrorKind()).isEqualTo(ErrorKind.REJECTED);
  }

  @Test
  void shouldCancelARunningJobAndLeaveNothingBehind() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 40_000, 2);
    start(f, Map.of());
    RestoreClient client = f.client();
    Path output = f.outputs.resolve("cancelled.db");
    client.send(ServiceFixture.restore("long", TargetKind.LATEST, null, output).build());
    await()
        .atMost(WAIT)
        .until(
            () ->
                service
                    .jobs()
                    .get("long")
                    .map(s -> s.getState() == JobState.RUNNING)
                    .orElse(false));

    client.send(
        RestoreCommand.newBuilder(
                ServiceFixture.restore("long", TargetKind.LATEST, null, output).build())
            .setType(CommandType.CANCEL)
            .build());
    RestoreStatus end = client.await("long", WAIT, s -> {}).orElseThrow();

    assertThat(end.getState()).isEqualTo(JobState.CANCELLED);
    assertThat(end.getErrorKind()).isEqualTo(ErrorKind.CANCELLED);
    assertThat(Files.exists(output)).isFalse();
    try (Stream<Path> left = Files.list(f.outputs)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void shouldRejectUnsignedCommandsWhenAKeyIsConfigured() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 10, 1);
    start(f, Map.of(RestoreServiceConfig.SIGNATURE_KEY, "k3y"));
    RestoreCommand unsigned =
        ServiceFixture.restore("unsigned", TargetKind.LATEST, null, f.outputs.resolve("u.db"))
            .build();
    RestoreCommand signed =
        ServiceFixture.restore("signed", TargetKind.LATEST, null, f.outputs.resolve("s.db"))
            .build();
    signed.setSignature(CommandSignature.sign(signed, "k3y"));

    assertThat(finish(f, unsigned).getMessage()).contains("requires signed commands");
    assertThat(finish(f, signed).getState()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void shouldVerifyTheArchiveWhenAskedTo() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 30, 2);
    start(f, Map.of());

    RestoreStatus end =
        finish(
            f,
            ServiceFixture.restore("verify", TargetKind.LATEST, null, f.outputs.resolve("v.db"))
                .setType(CommandType.VERIFY)
                .setSink(null)
                .setTarget(null)
                .build());

    assertThat(end.getState()).isEqualTo(JobState.SUCCEEDED);
    assertThat(end.getRecordsDone()).isEqualTo(60);
    assertThat(end.getMessage()).contains("1 streams verified clean");
  }

  /** Rolls the fixture's archive back by deleting its newest manifest (seq 2 of 3). */
  private static String rollBack(ServiceFixture f) throws Exception {
    String key =
        io.walstream.archive.layout.ArchiveLayout.manifestKey(
            new io.walstream.archive.layout.StreamId(ServiceFixture.DB, "walstream.changes", 0), 2);
    java.nio.file.Files.delete(f.archive.resolve(key));
    return key;
  }

  @Test
  void shouldRefuseARestoreAndAVerifyOfAnArchiveRolledBackBehindTheManifestsTopic()
      throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 400, 3);
    start(f, Map.of());
    String key = rollBack(f);
    Path output = f.outputs.resolve("rolled.db");

    RestoreStatus restore =
        finish(f, ServiceFixture.restore("rolled", TargetKind.LATEST, null, output).build());
    RestoreStatus verify =
        finish(
            f,
            ServiceFixture.restore("rolled-verify", TargetKind.LATEST, null, output)
                .setType(CommandType.VERIFY)
                .setSink(null)
                .setTarget(null)
                .build());

    assertThat(restore.getState()).as(String.valueOf(restore)).isEqualTo(JobState.FAILED);
    assertThat(restore.getErrorClass()).isEqualTo("IntegrityException");
    assertThat(restore.getErrorKind()).isEqualTo(ErrorKind.INTEGRITY);
    assertThat(restore.getErrorMessage()).contains("ROLLED_BACK " + key);
    assertThat(output).doesNotExist();
    assertThat(verify.getState()).isEqualTo(JobState.FAILED);
    assertThat(verify.getErrorMessage()).contains("ROLLED_BACK " + key);
    assertThat(verify.getAnchorCheck())
        .isEqualTo("checked against the newest manifests of 1 streams on topic " + f.manifests);
  }

  @Test
  void shouldSayTheAnchorCheckWasMadeOrSkippedInTheStatus() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 400, 3);
    start(f, Map.of());
    RestoreStatus checked =
        finish(
            f,
            ServiceFixture.restore("a", TargetKind.LATEST, null, f.outputs.resolve("a.db"))
                .build());
    service.close();
    rollBack(f);
    start(f, Map.of(RestoreServiceConfig.ANCHOR_CHECK, "false"));

    RestoreStatus skipped =
        finish(
            f,
            ServiceFixture.restore("b", TargetKind.LATEST, null, f.outputs.resolve("b.db"))
                .build());

    assertThat(checked.getState()).isEqualTo(JobState.SUCCEEDED);
    assertThat(checked.getAnchorCheck())
        .isEqualTo("checked against the newest manifests of 1 stream on topic " + f.manifests);
    assertThat(skipped.getState()).as(String.valueOf(skipped)).isEqualTo(JobState.SUCCEEDED);
    assertThat(skipped.getAnchorCheck())
        .isEqualTo("not checked against the manifests topic: restorer.anchor.check=false");
    // Rolled back and not checked: the restore lands on the older state, and says so.
    assertThat(skipped.getRecoveredLsn()).isLessThan(checked.getRecoveredLsn());
  }

  @Test
  void shouldServeHealthAndJobMetricsWhenRunning() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 10, 1);
    start(f, Map.of());
    finish(
        f, ServiceFixture.restore("m", TargetKind.LATEST, null, f.outputs.resolve("m.db")).build());
    var http = java.net.http.HttpClient.newHttpClient();
    String base = "http://localhost:" + service.metricsPort();

    var health =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    String metrics =
        http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("RUNNING");
    assertThat(metrics)
        .contains("walstream_restorer_jobs_total{state=\"SUCCEEDED\"} 1.0")
        .contains("walstream_restorer_records_applied_total 10.0");
    assertThat(Optional.ofNullable(service.failure())).isEmpty();
  }

  @Test
  void shouldRestoreIntoAPostgresSchemaWhenTheUrlIsAllowed() throws Exception {
    Postgres.require();
    ServiceFixture f = new ServiceFixture(dir, 300, 2);
    start(
        f, Map.of(RestoreServiceConfig.JDBC_ALLOWED_URL_PREFIXES, "jdbc:postgresql://127.0.0.1:"));
    String schema = "svc_" + f.suffix;
    long target = ServiceFixture.FIRST_LSN + 99;
    RestoreCommand command =
        ServiceFixture.restore("pg", TargetKind.LSN, target, f.outputs.resolve("unused"))
            .setSink(
                SinkSpec.newBuilder()
                    .setKind(SinkKind.JDBC)
                    .setJdbcUrl(Postgres.URL)
                    .setSchema$(schema)
                    .setOverwrite(false)
                    .build())
            .build();

    RestoreStatus end = finish(f, command);

    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement()) {
      try {
        assertThat(end.getState()).as(String.valueOf(end)).isEqualTo(JobState.SUCCEEDED);
        for (var table : f.expected(target).entrySet()) {
          TreeSet<Long> ids = new TreeSet<>();
          try (ResultSet rs =
              s.executeQuery("SELECT id FROM \"" + schema + "\".\"" + table.getKey() + "\"")) {
            while (rs.next()) {
              ids.add(rs.getLong(1));
            }
          }
          assertThat(ids).as(table.getKey()).isEqualTo(table.getValue());
        }
      } finally {
        s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
      }
    }
  }
}
