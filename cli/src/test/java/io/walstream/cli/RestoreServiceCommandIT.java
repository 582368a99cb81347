package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.schemas.testing.ChildJvm;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code walstream restorer}, {@code request-restore} and {@code restore-status} from the packaged
 * jar, as a user runs them.
 */
class RestoreServiceCommandIT {
  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar")).toAbsolutePath();

  @TempDir Path dir;

  private ProcessBuilder walstream(String... args) {
    return new ProcessBuilder(ChildJvm.jar(JAR, List.of(args)))
        .directory(dir.toFile())
        .redirectErrorStream(true);
  }

  private record Run(int code, String output) {}

  private Run run(String... args) throws Exception {
    Process p = walstream(args).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), output);
  }

  @Test
  void shouldServeARequestedRestoreAndReportRejectionsWithTheirExitCodes() throws Exception {
    Path archive = dir.resolve("archive");
    ArchiveWriter writer = new ArchiveWriter(new FileSystemObjectStore(archive), "cli-test");
    StreamHead head = writer.loadHead(new StreamId("shop", "walstream.changes", 0));
    writer.commit(head, Records.batch(Records.transactions("shop", 100, 20, 2), 0));
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String commands = "cmd-" + suffix;
    String status = "st-" + suffix;
    String bootstrap = KafkaBroker.bootstrapServers();
    Path log = dir.resolve("restorer.log");
    Process service =
        walstream(
                "restorer",
                "--bootstrap-servers",
                bootstrap,
                "--archive",
                archive.toUri().toString(),
                "--set",
                "restorer.commands.topic=" + commands,
                "--set",
                "restorer.status.topic=" + status,
                "--set",
                "restorer.group.id=g-" + suffix,
                "--set",
                "metrics.port=0",
                // The archive was written without an archiver: it has no manifests topic.
                "--set",
                "restorer.anchor.check=false")
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.exists(log) && Files.readString(log).contains("Restore service "));

      Run ok =
          run(
              "request-restore",
              "--bootstrap-servers",
              bootstrap,
              "--commands-topic",
              commands,
              "--status-topic",
              status,
              "--database",
              "shop",
              "--lsn",
              "109",
              "--output",
              "restores/shop.db",
              "--command-id",
              "cli-job",
              "--wait",
              "--timeout",
              "90s");
      Run snapshot =
          run(
              "request-snapshot",
              "--bootstrap-servers",
              bootstrap,
              "--commands-topic",
              commands,
              "--status-topic",
              status,
              "--database",
              "shop",
              "--lsn",
              "109",
              "--command-id",
              "cli-snap",
              "--wait",
              "--timeout",
              "90s");
      Run rejected =
          run(
              "request-restore",
              "--bootstrap-servers",
              bootstrap,
              "--commands-topic",
              commands,
              "--status-topic",
              status,
              "--database",
              "shop",
              "--latest",
              "--output",
              dir.resolve("elsewhere.db").toString(),
              "--command-id",
              "cli-rejected",
              "--wait");
      Run cancelUnknown =
          run(
              "cancel-restore",
              "--bootstrap-servers",
              bootstrap,
              "--commands-topic",
              commands,
              "--status-topic",
              status,
              "--command-id",
              "cli-nobody",
              "--wait",
              "--timeout",
              "60s");
      Run listed =
          run(
              "restore-status",
              "--bootstrap-servers",
              bootstrap,
              "--status-topic",
              status,
              "--json");

      assertThat(ok.code()).as(ok.output()).isZero();
      assertThat(ok.output())
          .contains("Requested restore cli-job of shop")
          .contains("Job cli-job: SUCCEEDED - shop restored to lsn 109")
          .contains("customers=10, orders=10")
          .contains("archive not checked against the manifests topic: restorer.anchor.check=false");
      assertThat(dir.resolve("restores/shop.db")).exists();
      assertThat(snapshot.code()).as(snapshot.output()).isZero();
      assertThat(snapshot.output())
          .contains("Requested snapshot cli-snap of shop")
          .contains("Job cli-snap: SUCCEEDED - shop snapshot at lsn 109")
          .contains("snapshot committed: shop/snapshots/000000000000006d.snapshot.json");
      assertThat(archive.resolve("shop/snapshots/000000000000006d.snapshot.json")).exists();
      assertThat(rejected.code()).as(rejected.output()).isEqualTo(5);
      assertThat(rejected.output())
          .contains("REJECTED")
          .contains("outside the allowed directories");
      assertThat(dir.resolve("elsewhere.db")).doesNotExist();
      assertThat(cancelUnknown.code()).as(cancelUnknown.output()).isEqualTo(5);
      assertThat(cancelUnknown.output())
          .contains("Job cli-nobody: REJECTED")
          .contains("unknown command id cli-nobody");
      assertThat(listed.code()).isZero();
      assertThat(listed.output())
          .contains("\"commandId\" : \"cli-job\"")
          .contains("\"state\" : \"SUCCEEDED\"")
          .contains("\"commandId\" : \"cli-rejected\"")
          .contains("\"errorKind\" : \"REJECTED\"")
          .doesNotContain("Exception");
    } finally {
      service.destroy();
      assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(log)).contains("Job cli-job: SUCCEEDED");
  }
}
