package io.walstream.restorer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.restorer.testing.ServiceProcess;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.avro.TargetKind;
import io.walstream.schemas.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service process killed (SIGKILL) while a job runs: the next service re-runs the job from the
 * beginning, exactly once, and its output equals the oracle.
 */
class KilledServiceIT {
  @TempDir Path dir;

  @Test
  void shouldFinishAJobExactlyOnceWhenTheServiceIsKilledMidJobAndRestarted() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 60_000, 2);
    Map<String, Object> settings = f.settings();
    List<String> arguments = new ArrayList<>();
    settings.forEach((k, v) -> arguments.add(k + "=" + v));
    List<String> command = ChildJvm.main(List.of(), ServiceProcess.class, arguments);
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    Path output = f.outputs.resolve("killed.db");
    RestoreClient client = f.client();
    try {
      client.send(ServiceFixture.restore("killed", TargetKind.LATEST, null, output).build());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  f.history("killed").stream()
                      .anyMatch(
                          s -> s.getState() == JobState.RUNNING && s.getRecordsDone() != null));
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.exists(output)).isFalse();

    try (RestoreService restarted =
        RestoreService.start(RestoreServiceConfig.parse(f.settings()))) {
      RestoreStatus end = client.await("killed", Duration.ofSeconds(120), s -> {}).orElseThrow();

      assertThat(end.getState()).as(String.valueOf(end)).isEqualTo(JobState.SUCCEEDED);
      assertThat(end.getAttempt()).isEqualTo(2);
      assertThat(end.getInstanceId()).isEqualTo(restarted.instanceId());
    }
    List<RestoreStatus> history = f.history("killed");
    assertThat(history.stream().filter(s -> s.getState() == JobState.SUCCEEDED)).hasSize(1);
    assertThat(history)
        .anySatisfy(
            s -> {
              assertThat(s.getState()).isEqualTo(JobState.ACCEPTED);
              assertThat(s.getAttempt()).isEqualTo(2);
              assertThat(s.getMessage()).contains("re-run from the beginning").contains("RUNNING");
            });
    assertThat(ServiceFixture.actual(output)).isEqualTo(f.expected(Long.MAX_VALUE));
    try (Stream<Path> files = Files.list(f.outputs)) {
      assertThat(files).containsExactly(output);
    }
  }
}
