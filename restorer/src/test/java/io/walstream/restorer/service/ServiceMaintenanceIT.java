package io.walstream.restorer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.retention.HeldLock;
import io.walstream.archive.retention.MaintenanceLocks;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.avro.RestoreTargetSpec;
import io.walstream.schemas.avro.TargetKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SNAPSHOT commands, and snapshots and retention on the service's schedule, on a real broker. */
class ServiceMaintenanceIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  private RestoreService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  private void start(ServiceFixture f, Map<String, Object> extra) {
    Map<String, Object> settings = f.settings();
    settings.putAll(extra);
    settings.put(RestoreServiceConfig.SNAPSHOT_WORK_DIR, dir.resolve("work").toString());
    service = RestoreService.start(RestoreServiceConfig.parse(settings));
  }

  private static RestoreCommand snapshot(String id, TargetKind kind, Long lsn) {
    return RestoreCommand.newBuilder()
        .setCommandId(id)
        .setType(CommandType.SNAPSHOT)
        .setDatabase(ServiceFixture.DB)
        .setTarget(RestoreTargetSpec.newBuilder().setKind(kind).setLsn(lsn).build())
        .setSink(null)
        .setDryRun(false)
        .setAcceptGaps(false)
        .setRequestedBy("test")
        .setRequestedAt(Instant.parse("2026-11-22T00:00:00Z"))
        .build();
  }

  private static RestoreStatus finish(ServiceFixture f, RestoreCommand command) {
    return f.finish(command, WAIT);
  }

  @Test
  void shouldCommitASnapshotWhenCommandedAndSayWhatItMadeOrWhyNot() {
    ServiceFixture f = new ServiceFixture(dir, 400, 3);
    start(f, Map.of());
    long at = ServiceFixture.FIRST_LSN + 200;

    RestoreStatus made = finish(f, snapshot("snap-1", TargetKind.LSN, at));
    RestoreStatus again = finish(f, snapshot("snap-2", TargetKind.LSN, at));
    RestoreStatus busy;
    try (HeldLock lock =
        new MaintenanceLocks(new FileSystemObjectStore(f.archive))
            .acquire(ServiceFixture.DB, "another-instance", "retention", Duration.ofMinutes(5))) {
      busy = finish(f, snapshot("snap-3", TargetKind.LATEST, null));
    }

    assertThat(made.getState()).as(String.valueOf(made)).isEqualTo(JobState.SUCCEEDED);
    assertThat(made.getRecoveredLsn()).isEqualTo(at);
    assertThat(made.getRows()).isEqualTo(201L * 3);
    assertThat(made.getMessage())
        .startsWith("snapshot committed: shop/snapshots/00000000000004b0.snapshot.json");
    assertThat(f.history("snap-1").stream().map(RestoreStatus::getState))
        .containsExactly(JobState.ACCEPTED, JobState.RUNNING, JobState.SUCCEEDED);
    assertThat(again.getState()).isEqualTo(JobState.SUCCEEDED);
    assertThat(again.getMessage()).startsWith("snapshot exists already, nothing written");
    assertThat(busy.getState()).isEqualTo(JobState.FAILED);
    assertThat(busy.getErrorKind()).isEqualTo(ErrorKind.TRANSIENT);
    assertThat(busy.getErrorMessage())
        .contains("another-instance holds its maintenance lock (for retention)");
  }

  @Test
  void shouldSnapshotAndApplyRetentionOnItsSchedule() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 400, 3);
    FileSystemObjectStore store = new FileSystemObjectStore(f.archive);
    Map<String, Object> schedule = new HashMap<>();
    schedule.put(RestoreServiceConfig.SNAPSHOT_INTERVAL_MS, "300");
    schedule.put(RestoreServiceConfig.RETENTION_KEEP_SNAPSHOTS, "1");
    schedule.put(RestoreServiceConfig.RETENTION_MIN_AGE_MS, "0");
    start(f, schedule);
    Snapshots snapshots = new Snapshots(new ArchiveReader(store));
    long first = ServiceFixture.FIRST_LSN + 399;
    await()
        .atMost(WAIT)
        .until(() -> snapshots.list("shop").stream().anyMatch(s -> s.snapshot().lsn() == first));

    // New records: the next run snapshots them, and retention expires what the new one covers.
    ArchiveWriter writer = new ArchiveWriter(store, "fixture");
    StreamHead head = writer.loadHead(new StreamId("shop", "walstream.changes", 0));
    var more = Records.transactions("shop", first + 1, 100, 3);
    CommitResult result = writer.commit(head, Records.batch(more, 1200));
    assertThat(result).isInstanceOf(CommitResult.Committed.class);
    long second = first + 100;
    ArchiveReader reader = new ArchiveReader(store);
    await()
        .atMost(WAIT)
        .until(
            () ->
                reader.retention("shop").map(r -> r.snapshot().lsn()).orElse(-1L) == second
                    && snapshots.listAll("shop").size() == 1);

    RestoreStatus restored =
        finish(
            f,
            ServiceFixture.restore("after", TargetKind.LATEST, null, f.outputs.resolve("a.db"))
                .build());
    assertThat(restored.getState()).as(String.valueOf(restored)).isEqualTo(JobState.SUCCEEDED);
    assertThat(restored.getRecoveredLsn()).isEqualTo(second);
    assertThat(restored.getRows()).isEqualTo(500L * 3);
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + service.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("walstream_restorer_snapshots_total{result=\"CREATED\"}")
        .contains("walstream_restorer_retention_objects_deleted_total");
  }
}
