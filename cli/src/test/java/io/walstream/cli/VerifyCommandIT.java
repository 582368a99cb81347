package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestAvro;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code walstream verify --bootstrap-servers}: the archive checked against the manifests topic.
 */
class VerifyCommandIT {
  private static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);
  private static final SingleObjectCodec<SegmentManifest> MANIFESTS =
      SingleObjectCodec.of(SegmentManifest.class);

  @TempDir Path dir;
  private Path archive;
  private String uri;
  private String topic;
  private final CapturedCli cli = new CapturedCli();

  /** Three segments in the archive, each manifest published as the archiver publishes it. */
  @BeforeEach
  void archiveAndPublish() throws Exception {
    archive = dir.resolve("archive");
    uri = archive.toUri().toString();
    topic = "verify-" + UUID.randomUUID().toString().substring(0, 8) + ".manifests";
    KafkaBroker.createTopics(1, topic);
    List<CommitResult.Committed> committed =
        Records.archive(
            new ArchiveWriter(new FileSystemObjectStore(archive), "test"), SHOP, 100, 3, 2, 2);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (CommitResult.Committed c : committed) {
        byte[] value =
            MANIFESTS.encode(ManifestAvro.toAvro(c.manifest(), c.head().manifestSha256()));
        producer
            .send(
                new ProducerRecord<>(
                    topic, SHOP.toString().getBytes(StandardCharsets.UTF_8), value))
            .get();
      }
    }
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        KafkaBroker.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private int verifyAnchored() {
    return cli.run(
        "verify",
        "--archive",
        uri,
        "--bootstrap-servers",
        KafkaBroker.bootstrapServers(),
        "--manifests-topic",
        topic);
  }

  @Test
  void shouldBeCleanWhenTheArchiveHoldsEveryPublishedManifest() {
    assertThat(verifyAnchored()).isZero();
    assertThat(cli.stdout())
        .contains("CLEAN: 1 streams, 3 segments")
        .contains("checked against the newest manifests of 1 streams on topic " + topic);
  }

  @Test
  void shouldFindARollbackThatTheArchiveAloneCannotShowWhenTheNewestSegmentIsRemoved()
      throws Exception {
    String manifestKey = ArchiveLayout.manifestKey(SHOP, 2);
    Manifest.Segment newest =
        (Manifest.Segment)
            new ArchiveReader(new FileSystemObjectStore(archive))
                .readManifest(SHOP, 2)
                .orElseThrow()
                .manifest();
    String segmentKey = newest.segment().key();
    Files.delete(archive.resolve(segmentKey));
    Files.delete(archive.resolve(manifestKey));

    assertThat(new CapturedCli().run("verify", "--archive", uri)).as("the archive alone").isZero();
    assertThat(verifyAnchored()).isEqualTo(4);
    assertThat(cli.stdout()).contains("ROLLED_BACK " + manifestKey).contains("FAILED");
  }

  @Test
  void shouldNameTheRecordWhenTheTopicHoldsSomethingElseThanManifests() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>(topic, new byte[] {1}, new byte[] {1, 2, 3})).get();
    }

    assertThat(verifyAnchored()).isEqualTo(1);
    assertThat(cli.stderr())
        .contains(
            "Cannot read manifests topic "
                + topic
                + ": the record at partition 0 offset 3 is not"
                + " a manifest");
  }

  @Test
  void shouldReportTheAnchorCountInJson() {
    assertThat(
            cli.run(
                "verify",
                "--archive",
                uri,
                "--json",
                "--bootstrap-servers",
                KafkaBroker.bootstrapServers(),
                "--manifests-topic",
                topic))
        .isZero();
    assertThat(cli.stdout()).contains("\"anchoredStreams\" : 1").contains("\"clean\" : true");
  }

  @Test
  void shouldNameTheTopicWhenItDoesNotExist() {
    int code =
        cli.run(
            "verify",
            "--archive",
            uri,
            "--bootstrap-servers",
            KafkaBroker.bootstrapServers(),
            "--manifests-topic",
            "no-such.manifests",
            "--kafka-timeout",
            "10s");

    assertThat(code).isEqualTo(1);
    assertThat(cli.stderr())
        .contains("Cannot read manifests topic no-such.manifests: it does not exist");
  }

  private int restoreAnchored(Path output, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "restore",
                "--archive",
                uri,
                "--database",
                "shop",
                "--latest",
                "--output",
                output.toString(),
                "--bootstrap-servers",
                KafkaBroker.bootstrapServers(),
                "--manifests-topic",
                topic));
    args.addAll(List.of(more));
    return cli.run(args.toArray(String[]::new));
  }

  @Test
  void shouldRefuseToRestoreAnArchiveRolledBackBehindTheManifestsTopic() throws Exception {
    String manifestKey = ArchiveLayout.manifestKey(SHOP, 2);
    Files.delete(archive.resolve(manifestKey));
    Path output = dir.resolve("rolled.db");

    int code = restoreAnchored(output);

    assertThat(code).isEqualTo(4);
    assertThat(cli.stderr()).contains("ROLLED_BACK " + manifestKey);
    assertThat(output).doesNotExist();
  }

  @Test
  void shouldSayTheArchiveWasCheckedWhenItRestores() {
    int code = restoreAnchored(dir.resolve("ok.db"));

    assertThat(code).as(cli.stderr()).isZero();
    assertThat(cli.stdout())
        .contains("Archive checked against the newest manifests of 1 stream on topic " + topic);
  }

  @Test
  void shouldRestoreARolledBackArchiveSayingTheCheckWasSkippedWhenAskedTo() throws Exception {
    Files.delete(archive.resolve(ArchiveLayout.manifestKey(SHOP, 2)));

    int code = restoreAnchored(dir.resolve("skipped.db"), "--no-anchor-check");

    assertThat(code).as(cli.stderr()).isZero();
    assertThat(cli.stdout())
        .contains("Restored shop to lsn 103")
        .contains("Archive not checked against the manifests topic: --no-anchor-check.");
  }

  @Test
  void shouldFailInOneLineNamingTheAddressWhenNoBrokerAnswers() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    long started = System.nanoTime();

    int code =
        cli.run(
            "verify",
            "--archive",
            uri,
            "--bootstrap-servers",
            "127.0.0.1:" + closed,
            "--kafka-timeout",
            "3s");

    assertThat(code).isEqualTo(1);
    assertThat(cli.stderr())
        .contains("Cannot read manifests topic walstream.manifests")
        .contains("Kafka at 127.0.0.1:" + closed + " did not answer within 3 s")
        .doesNotContain("\tat ");
    // Bounded by --kafka-timeout (and the client's own connection set-up), not a minute's wait.
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(java.time.Duration.ofSeconds(30));
  }
}
