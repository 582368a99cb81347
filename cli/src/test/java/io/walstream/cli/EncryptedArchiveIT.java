package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.schemas.testing.KafkaBroker;
import io.walstream.schemas.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An encrypted archive end to end: the real archiver encrypting under a KEK made by {@code keys
 * create-kek}, a rotation while it runs, restores into SQLite and PostgreSQL through the CLI equal
 * to the model across both keys, a rewrap, and every refusal a missing or stale key must give.
 */
class EncryptedArchiveIT {
  private static final int FIRST = 30;
  private static final int TOTAL = 60;

  @TempDir Path dir;

  @Test
  void shouldRestoreEqualToModelAcrossRotationAndRewrapAndRefuseWithoutTheKey() throws Exception {
    Postgres.require();
    String prefix = "enc" + UUID.randomUUID().toString().substring(0, 6);
    String topic = prefix + ".changes";
    KafkaBroker.createTopics(1, topic);
    Path archive = dir.resolve("archive");
    String uri = archive.toUri().toString();
    Path kek = dir.resolve("kek.json");
    Path newKek = dir.resolve("new-kek.json");
    CapturedCli cli = new CapturedCli();
    assertThat(cli.run("keys", "create-kek", "--output", kek.toString())).isZero();
    assertThat(cli.run("keys", "create-kek", "--output", newKek.toString())).isZero();
    assertThat(cli.run("keys", "init", "--archive", uri, "--kek", kek.toString()))
        .as(cli::stderr)
        .isZero();

    Map<String, Object> settings =
        TestArchiver.settings(KafkaBroker.bootstrapServers(), archive, prefix, topic);
    assertThatThrownBy(() -> ArchiverApp.start(ArchiverConfig.parse(settings)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("refusing to write plaintext");
    settings.put(ArchiverConfig.ENCRYPTION_KEK, kek.toString());
    try (ArchiverApp app = ArchiverApp.start(ArchiverConfig.parse(settings));
        KafkaProducer<byte[], byte[]> producer =
            ShopWorkload.producer(KafkaBroker.clientProperties())) {
      publishAndAwait(app, producer, topic, 1, FIRST);
      assertThat(cli.run("keys", "rotate", "--archive", uri, "--kek", kek.toString())).isZero();
      publishAndAwait(app, producer, topic, FIRST + 1, TOTAL);
    }

    cli.clear();
    assertThat(cli.run("keys", "list", "--archive", uri, "--json")).isZero();
    assertThat(cli.stdout()).contains("\"primary\" : true").contains("\"primary\" : false");
    cli.clear();
    assertThat(cli.run("verify", "--archive", uri)).isZero();
    assertThat(cli.stdout()).contains("CLEAN").contains("were not checked (no --kek given)");
    cli.clear();
    assertThat(cli.run("verify", "--archive", uri, "--kek", kek.toString())).isZero();
    assertThat(cli.stdout()).contains("every record decrypted and checked");
    assertNoPlaintextHeaders(archive);

    Path refused = dir.resolve("refused.db");
    cli.clear();
    assertThat(restore(cli, uri, null, "--output", refused.toString())).isEqualTo(4);
    assertThat(cli.stderr()).contains("encrypted with data key").contains("--kek");
    assertThat(refused).doesNotExist();

    Path sqlite = dir.resolve("shop.db");
    assertThat(restore(cli, uri, kek, "--output", sqlite.toString())).isZero();
    assertThat(ShopWorkload.sqliteState(sqlite)).isEqualTo(ShopWorkload.model(TOTAL));
    String schema = prefix + "_restored";
    try {
      assertThat(restore(cli, uri, kek, "--jdbc", Postgres.URL, "--schema", schema)).isZero();
      assertThat(ShopWorkload.postgresState(schema)).isEqualTo(ShopWorkload.model(TOTAL));
    } finally {
      ShopWorkload.dropSchema(schema);
    }

    cli.clear();
    assertThat(cli.run("snapshot", "--archive", uri, "--database", "shop", "--latest"))
        .isEqualTo(4);
    assertThat(cli.stderr()).contains("refusing to write plaintext");
    assertThat(
            cli.run(
                "snapshot",
                "--archive",
                uri,
                "--database",
                "shop",
                "--latest",
                "--kek",
                kek.toString()))
        .isZero();
    cli.clear();
    assertThat(cli.run("verify", "--archive", uri)).as(cli::stdout).isZero();

    assertThat(
            cli.run(
                "keys",
                "rewrap",
                "--archive",
                uri,
                "--kek",
                kek.toString(),
                "--new-kek",
                newKek.toString()))
        .isZero();
    cli.clear();
    assertThat(restore(cli, uri, kek, "--output", dir.resolve("old-kek.db").toString()))
        .isEqualTo(4);
    assertThat(cli.stderr()).contains("rewrap");
    // From the snapshot (its chunks under the same data keys), opened with the new KEK.
    Path rewrapped = dir.resolve("rewrapped.db");
    cli.clear();
    assertThat(restore(cli, uri, newKek, "--output", rewrapped.toString(), "--json")).isZero();
    assertThat(cli.stdout()).contains("snapshots/");
    assertThat(ShopWorkload.sqliteState(rewrapped)).isEqualTo(ShopWorkload.model(TOTAL));
  }

  private static int restore(CapturedCli cli, String uri, Path kek, String... output) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("restore", "--archive", uri, "--database", "shop", "--latest"));
    if (kek != null) {
      args.addAll(List.of("--kek", kek.toString()));
    }
    args.addAll(List.of(output));
    return cli.run(args.toArray(String[]::new));
  }

  private static void publishAndAwait(
      ArchiverApp app, KafkaProducer<byte[], byte[]> producer, String topic, int from, int to) {
    for (int k = from; k <= to; k++) {
      ShopWorkload.publish(producer, topic, k);
    }
    producer.flush();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                app.metrics().count("walstream.archiver.records.archived")
                    >= ShopWorkload.records(to));
  }

  /** What a plaintext segment shows any reader (its Avro header) is in none of these. */
  private static void assertNoPlaintextHeaders(Path archive) throws Exception {
    try (Stream<Path> files = Files.walk(archive)) {
      List<Path> segments = files.filter(p -> p.toString().endsWith(".seg")).toList();
      assertThat(segments).isNotEmpty();
      for (Path segment : segments) {
        String bytes = new String(Files.readAllBytes(segment), StandardCharsets.ISO_8859_1);
        assertThat(bytes).startsWith("WALSENC").doesNotContain("walstream.database");
        assertThat(bytes).doesNotContain("ChangeRecord").doesNotContain("orders");
      }
    }
  }
}
