package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code walstream publish} never acknowledges a line after one that failed: a record too large for
 * the producer is refused before sending, one the topic refuses aborts its transaction, and what
 * was acknowledged is reported so that {@code --from-line} resumes after it. The topic is read back
 * (read_committed, as the archiver reads it) to see what was and was not published.
 */
class PublishCommandIT {
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);

  @TempDir Path dir;

  private static String line(long lsn, String note) {
    return "{\"database\":\"shop\",\"table\":\"orders\",\"op\":\"INSERT\",\"key\":{\"id\":"
        + lsn
        + "},\"after\":{\"id\":"
        + lsn
        + ",\"note\":\""
        + note
        + "\"},\"lsn\":"
        + lsn
        + ",\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}";
  }

  private static String topic(Map<String, String> configs) throws Exception {
    String topic = "pub" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = KafkaBroker.admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    return topic;
  }

  /** The lsns the topic holds for a read_committed reader. */
  private static List<Long> published(String topic) {
    Properties p = KafkaBroker.clientProperties();
    p.put("isolation.level", "read_committed");
    p.put("group.id", "read-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    List<Long> lsns = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          lsns.add(CODEC.decode(r.value()).getLsn());
        }
      }
    }
    return lsns;
  }

  private int publish(CapturedCli cli, String topic, Path file, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "publish",
                "--bootstrap-servers",
                KafkaBroker.bootstrapServers(),
                "--topic",
                topic,
                "--input",
                file.toString()));
    args.addAll(List.of(more));
    return cli.run(args.toArray(String[]::new));
  }

  @Test
  void shouldRefuseARecordTooLargeBeforeSendingAndSendNothingAfterIt() throws Exception {
    String topic = topic(Map.of());
    Path file =
        Files.write(
            dir.resolve("big.jsonl"),
            List.of(line(1, "a"), line(2, "x".repeat(5 * 1024 * 1024)), line(3, "c")),
            StandardCharsets.UTF_8);
    CapturedCli cli = new CapturedCli();

    int code = publish(cli, topic, file);

    assertThat(code).isEqualTo(1);
    assertThat(cli.stderr())
        .contains("Cannot publish line 2")
        .contains("max.request.size")
        .contains("resume with --from-line 2");
    assertThat(published(topic)).containsExactly(1L);
  }

  @Test
  void shouldAbortWhatTheTopicRefusesReportWhatWasAcknowledgedAndResumeFromALine()
      throws Exception {
    String topic = topic(Map.of("max.message.bytes", "2000"));
    Path file =
        Files.write(
            dir.resolve("refused.jsonl"),
            List.of(line(1, "a"), line(2, "x".repeat(5000)), line(3, "c"), line(4, "d")),
            StandardCharsets.UTF_8);
    CapturedCli first = new CapturedCli();

    int code = publish(first, topic, file, "--batch", "1");

    assertThat(code).isEqualTo(1);
    assertThat(first.stderr())
        .contains("Cannot publish line 2")
        .contains("Acknowledged 1 records, up to line 1")
        .contains("resume with --from-line 2");
    assertThat(published(topic)).containsExactly(1L);

    CapturedCli resumed = new CapturedCli();
    assertThat(publish(resumed, topic, file, "--from-line", "3")).as(resumed.stderr()).isZero();
    assertThat(published(topic)).containsExactly(1L, 3L, 4L);
  }

  @Test
  void shouldStopAtALineHoldingTwoObjectsAndSendNothingAfterIt() throws Exception {
    String topic = topic(Map.of());
    Path file =
        Files.write(
            dir.resolve("two.jsonl"),
            List.of(line(1, "a"), line(2, "b") + line(3, "c"), line(4, "d")),
            StandardCharsets.UTF_8);
    CapturedCli cli = new CapturedCli();

    int code = publish(cli, topic, file);

    assertThat(code).isEqualTo(1);
    assertThat(cli.stderr()).contains("line 2").contains("more than one JSON value on the line");
    assertThat(published(topic)).containsExactly(1L);
  }
}
