package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error contract as a user meets it, through the packaged jar: a command that cannot reach its
 * broker fails within its timeout with one line naming the address (no Kafka warnings, no stack
 * trace), and expected failures (a missing file, a bad time, a bad setting) are one line with the
 * documented exit code, and a JSON error object on stdout with {@code --json}.
 */
class ErrorContractIT {
  /** How long a JVM with the whole jar may take to start and stop, beyond the timeout. */
  private static final Duration STARTUP = Duration.ofSeconds(15);

  private static int closedPort;
  @TempDir Path dir;

  @BeforeAll
  static void findAClosedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
  }

  private static String broker() {
    return "127.0.0.1:" + closedPort;
  }

  /** Runs the jar; fails unless it ended within {@code bound}. */
  private static WalstreamJarIT.Result run(Duration bound, String... args) throws Exception {
    long started = System.nanoTime();
    WalstreamJarIT.Result result = WalstreamJarIT.runJar(args);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("walstream %s took", String.join(" ", args))
        .isLessThan(bound.plus(STARTUP));
    return result;
  }

  /** One line on stderr, naming the command, without a stack trace or a library's log line. */
  private static void assertOneLine(WalstreamJarIT.Result result, String command, String... parts) {
    assertThat(result.stderr().lines()).as("stderr of %s: %s", command, result.stderr()).hasSize(1);
    assertThat(result.stderr())
        .startsWith("walstream " + command + ": ")
        .contains(parts)
        .doesNotContain("\tat ")
        .doesNotContain("Exception in thread")
        .doesNotContain("WARN");
  }

  /**
   * Exit 2: the line naming what is wrong, then the command's usage line and where to read more.
   */
  private static void assertUsageError(
      WalstreamJarIT.Result result, String command, String... parts) {
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
    List<String> lines = result.stderr().lines().toList();
    assertThat(lines.get(0)).startsWith("walstream " + command + ": ").contains(parts);
    assertThat(lines.get(1)).startsWith("Usage: walstream " + command + " ");
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo("See 'walstream " + command + " --help' for more.");
    assertThat(result.stderr())
        .doesNotContain("\tat ")
        .doesNotContain("Exception in thread")
        .doesNotContain("WARN");
  }

  /** Exit 1 and one line: the broker did not answer within {@code seconds}, and {@code more}. */
  private static void assertUnreachable(
      WalstreamJarIT.Result result, String command, int seconds, String... more) {
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
    assertOneLine(
        result, command, "Kafka at " + broker() + " did not answer within " + seconds + " s");
    assertThat(result.stderr()).contains(more);
  }

  @Test
  void shouldFailWithinTheKafkaTimeoutNamingTheAddressWhenPublishingWithoutABroker()
      throws Exception {
    Path input = dir.resolve("changes.jsonl");
    Files.writeString(
        input,
        "{\"database\":\"shop\",\"table\":\"t\",\"op\":\"INSERT\",\"key\":{\"id\":1},"
            + "\"after\":{\"id\":1},\"lsn\":1,\"commitTime\":\"2026-11-21T10:00:00Z\"}\n",
        StandardCharsets.UTF_8);

    WalstreamJarIT.Result result =
        run(
            Duration.ofSeconds(3),
            "publish",
            "--bootstrap-servers",
            broker(),
            "--input",
            input.toString(),
            "--kafka-timeout",
            "3s");

    assertUnreachable(result, "publish", 3, "walstream.changes");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void shouldEndWithinItsTimeoutWhenRequestRestoreWaitsWithoutABroker() throws Exception {
    WalstreamJarIT.Result result =
        run(
            Duration.ofSeconds(4),
            "request-restore",
            "--bootstrap-servers",
            broker(),
            "--database",
            "shop",
            "--latest",
            "--output",
            dir.resolve("shop.db").toString(),
            "--wait",
            "--timeout",
            "4s");

    assertUnreachable(result, "request-restore", 4, "walstream.restore.commands");
    assertThat(result.stdout()).doesNotContain("Requested restore");
  }

  @Test
  void shouldFailWithinTheKafkaTimeoutWhenListingOrCancellingWithoutABroker() throws Exception {
    WalstreamJarIT.Result status =
        run(
            Duration.ofSeconds(3),
            "restore-status",
            "--bootstrap-servers",
            broker(),
            "--kafka-timeout",
            "3s",
            "--json");
    WalstreamJarIT.Result cancel =
        run(
            Duration.ofSeconds(3),
            "cancel-restore",
            "--bootstrap-servers",
            broker(),
            "--command-id",
            "job-1",
            "--kafka-timeout",
            "3s");

    assertUnreachable(status, "restore-status", 3, "walstream.restore.status");
    JsonNode error = new ObjectMapper().readTree(status.stdout()).get("error");
    assertThat(error.get("kind").asText()).isEqualTo("TRANSIENT");
    assertThat(error.get("exitCode").asInt()).isEqualTo(1);
    assertThat(error.get("message").asText()).contains("Kafka at " + broker());
    assertUnreachable(cancel, "cancel-restore", 3, "job-1");
  }

  @Test
  void shouldBeOneLineWithExitTwoWhenAFileTimeOrSettingIsWrong() throws Exception {
    Duration quick = Duration.ofSeconds(5);
    WalstreamJarIT.Result missingFile =
        run(
            quick,
            "publish",
            "--bootstrap-servers",
            broker(),
            "--input",
            dir.resolve("nothing.jsonl").toString());
    WalstreamJarIT.Result badTime =
        run(
            quick,
            "restore",
            "--archive",
            dir.toUri().toString(),
            "--database",
            "shop",
            "--to",
            "yesterday",
            "--output",
            dir.resolve("shop.db").toString(),
            "--json");
    WalstreamJarIT.Result badSetting =
        run(
            quick,
            "publish",
            "--bootstrap-servers",
            broker(),
            "--input",
            "-",
            "--set",
            "max.request.size=lots");
    WalstreamJarIT.Result badDuration =
        run(quick, "restore-status", "--bootstrap-servers", broker(), "--kafka-timeout", "0s");

    assertUsageError(missingFile, "publish", "--input", "nothing.jsonl: no such file");
    assertUsageError(badTime, "restore", "yesterday", "must be UTC and end in Z");
    JsonNode error = new ObjectMapper().readTree(badTime.stdout()).get("error");
    assertThat(error.get("kind").asText()).isEqualTo("INVALID_CONFIG");
    assertThat(error.get("exitCode").asInt()).isEqualTo(2);
    assertThat(error.get("command").asText()).isEqualTo("walstream restore");
    assertThat(badSetting.exitCode()).isEqualTo(2);
    assertOneLine(badSetting, "publish", "max.request.size=lots", "not a number of bytes");
    assertUsageError(
        badDuration, "restore-status", "--kafka-timeout '0s' must be longer than zero");
    assertThat(dir.resolve("shop.db")).doesNotExist();
  }

  @Test
  void shouldPrintAJsonErrorObjectWhenVerifyCannotFindTheArchive() throws Exception {
    Path missing = dir.resolve("no-archive");

    WalstreamJarIT.Result result =
        run(Duration.ofSeconds(5), "verify", "--archive", missing.toUri().toString(), "--json");

    assertThat(result.exitCode()).isEqualTo(1);
    assertOneLine(result, "verify", missing.toString());
    JsonNode error = new ObjectMapper().readTree(result.stdout()).get("error");
    assertThat(error.get("kind").asText()).isEqualTo("PERMANENT");
    assertThat(error.get("exitCode").asInt()).isEqualTo(1);
    assertThat(error.get("message").asText()).contains(missing.toString());
    assertThat(missing).doesNotExist();
  }
}
