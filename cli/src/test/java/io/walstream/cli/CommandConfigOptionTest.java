package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every one-shot command that talks to Kafka takes {@code --command-config}. */
class CommandConfigOptionTest {
  @TempDir Path dir;

  @Test
  void shouldOfferCommandConfigOnEveryOneShotKafkaCommand() {
    for (String command :
        new String[] {
          "publish",
          "request-restore",
          "request-snapshot",
          "cancel-restore",
          "restore-status",
          "verify",
          "restore"
        }) {
      CapturedCli cli = new CapturedCli();
      assertThat(cli.run(command, "--help")).isZero();
      assertThat(cli.stdout()).as(command).contains("--command-config=FILE");
    }
  }

  @Test
  void shouldNameAMissingCommandConfigFileWithoutTouchingKafka() throws Exception {
    CapturedCli cli = new CapturedCli();
    Path missing = dir.resolve("nope.properties");
    int code =
        cli.run(
            "restore-status",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--command-config",
            missing.toString());
    assertThat(code).isNotZero();
    assertThat(cli.stderr()).contains("Cannot read config file " + missing);
    assertThat(Files.exists(missing)).isFalse();
  }
}
