package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.GrowingArchive;
import io.walstream.restorer.follow.ResumeCheck;
import io.walstream.restorer.follow.TopicMirror;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.testing.ChildJvm;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore --topic T --follow}: a mirror of the database's change records that stays current
 * as the archive grows, holds every transaction exactly once across {@code kill -9} and restarts,
 * stops on SIGTERM with exit 0, and refuses an archive rolled back behind it.
 */
class TopicMirrorIT {
  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar")).toAbsolutePath();
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);
  @TempDir Path dir;
  private Path archive;
  private GrowingArchive growing;
  private String topic;

  @BeforeEach
  void archive() {
    archive = dir.resolve("archive");
    growing = new GrowingArchive(new FileSystemObjectStore(archive), 100).segments(3);
    topic = "mirror" + UUID.randomUUID().toString().substring(0, 6);
    KafkaBroker.createTopics(1, topic);
  }

  private Process mirror(String name) throws Exception {
    return new ProcessBuilder(
            ChildJvm.jar(
                JAR,
                List.of(
                    "restore",
                    "--archive",
                    archive.toUri().toString(),
                    "--database",
                    "shop",
                    "--latest",
                    "--topic",
                    topic,
                    "--bootstrap-servers",
                    KafkaBroker.bootstrapServers(),
                    "--no-anchor-check",
                    "--follow",
                    "--poll-interval",
                    "100ms")))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  @Test
  void shouldMirrorExactlyOnceAcrossKillsAndStopCleanly() throws Exception {
    java.util.Random random = new java.util.Random(3);
    for (int kill = 0; kill < 4; kill++) {
      Process p = mirror("kill-" + kill);
      try {
        growing.segments(1 + random.nextInt(2));
        awaitMirrored("kill-" + kill);
        growing.segments(1);
        // Killed at a random moment: idle, or in the round that applies the new segment.
        await()
            .pollDelay(Duration.ofMillis(random.nextInt(400)))
            .atMost(Duration.ofSeconds(5))
            .until(() -> true);
      } finally {
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertInOrderOnce(committed());
    }
    // One more segment: the topic reaches the head only once this run has done a round.
    growing.segments(1);
    Process last = mirror("last");
    try {
      awaitMirrored("last");
      last.destroy();
      assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(last.exitValue())
          .as(
              "SIGTERM: the round in hand committed, then exit 0; log:%n%s",
              Files.readString(dir.resolve("last.log")))
          .isZero();
    } finally {
      last.destroyForcibly();
    }
    List<ChangeRecord> all = committed();
    assertInOrderOnce(all);
    assertThat(all).hasSize((int) (growing.lastLsn() - 99) * 2);
    assertThat(Files.readString(dir.resolve("last.log"))).contains("Mirroring shop into topic");
  }

  @Test
  void shouldRefuseAnArchiveRolledBackBehindTheTopic() {
    Map<String, Object> client = Map.of("bootstrap.servers", KafkaBroker.bootstrapServers());
    FileSystemObjectStore store = new FileSystemObjectStore(archive);
    try (TopicMirror mirror =
        new TopicMirror(
            new io.walstream.archive.read.ArchiveReader(store),
            "shop",
            GapPolicy.REFUSE,
            client,
            Duration.ofSeconds(30),
            topic)) {
      assertThat(mirror.round().transactions()).isEqualTo(9);
    }
    store.delete(ArchiveLayout.manifestKey(GrowingArchive.SHOP, 2));

    try (TopicMirror again =
        new TopicMirror(
            new io.walstream.archive.read.ArchiveReader(store),
            "shop",
            GapPolicy.REFUSE,
            client,
            Duration.ofSeconds(30),
            topic)) {
      assertThatThrownBy(again::round)
          .isInstanceOf(ResumeCheck.Refused.class)
          .hasMessageContaining("the topic holds lsn 108 but the archive's newest is lsn 105");
    }
    assertThat(committed()).hasSize(18);
  }

  /**
   * Waits until the topic holds the archive's last transaction; the mirror's log if it never does.
   */
  private void awaitMirrored(String name) throws Exception {
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> lastLsn(committed()) == growing.lastLsn());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "the topic did not reach lsn "
              + growing.lastLsn()
              + " (it holds "
              + lastLsn(committed())
              + "); the mirror's log:\n"
              + Files.readString(dir.resolve(name + ".log")),
          e);
    }
  }

  /** Every (lsn, txIndex) from lsn 100 once, in order, whole transactions only. */
  private static void assertInOrderOnce(List<ChangeRecord> records) {
    long lsn = 100;
    int index = 0;
    for (ChangeRecord r : records) {
      assertThat(List.of(r.getLsn(), (long) r.getTxIndex())).isEqualTo(List.of(lsn, (long) index));
      if (r.getTxLast()) {
        lsn++;
        index = 0;
      } else {
        index++;
      }
    }
    assertThat(index).as("ends on a whole transaction").isZero();
  }

  private static long lastLsn(List<ChangeRecord> records) {
    return records.isEmpty() ? -1 : records.get(records.size() - 1).getLsn();
  }

  private List<ChangeRecord> committed() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ChangeRecord> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(CODEC.decode(r.value())));
      }
    }
    return out;
  }
}
