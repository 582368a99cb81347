package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.schemas.testing.ChildJvm;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code walstream broker} from the packaged jar: starts, serves, stops, and restarts on its data.
 */
class BrokerCommandIT {
  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar")).toAbsolutePath();

  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** {@code walstream broker} on {@code dataDir} and {@code port}, a free controller port. */
  private static ProcessBuilder broker(Path dataDir, int port) throws Exception {
    return new ProcessBuilder(
            ChildJvm.jar(
                JAR,
                List.of(
                    "broker",
                    "--data-dir",
                    dataDir.toString(),
                    "--port",
                    Integer.toString(port),
                    "--controller-port",
                    Integer.toString(freePort()))))
        .redirectErrorStream(true);
  }

  private Process start(int port, Path out) throws Exception {
    Process p = broker(dir.resolve("kafka"), port).redirectOutput(out.toFile()).start();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> !p.isAlive() || Files.readString(out).contains("Kafka broker ready at"));
    assertThat(p.isAlive()).as(Files.readString(out)).isTrue();
    return p;
  }

  private static void stop(Process p) throws Exception {
    p.destroy();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    // The broker's own JVM is gone too.
    assertThat(p.descendants().filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void shouldServeClientsAndKeepItsDataWhenRestarted() throws Exception {
    int port = freePort();
    String bootstrap = "127.0.0.1:" + port;
    Process first = start(port, dir.resolve("first.log"));
    try {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", bootstrap),
              new StringSerializer(),
              new StringSerializer())) {
        producer.send(new ProducerRecord<>("kept", "k", "hello")).get();
      }
    } finally {
      stop(first);
    }
    assertThat(Files.readString(dir.resolve("first.log")))
        .contains("Kafka broker ready at " + bootstrap);

    Process second = start(port, dir.resolve("second.log"));
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringDeserializer(),
            new StringDeserializer())) {
      TopicPartition tp = new TopicPartition("kept", 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      ConsumerRecords<String, String> records = ConsumerRecords.empty();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (records.isEmpty() && System.nanoTime() < deadline) {
        records = consumer.poll(Duration.ofMillis(500));
      }

      assertThat(records.records(tp)).hasSize(1);
      assertThat(records.records(tp).get(0).value()).isEqualTo("hello");
    } finally {
      stop(second);
    }
    // Formatted on first use only: the second start reused the data.
    String log = Files.readString(dir.resolve("kafka/broker.log"), StandardCharsets.UTF_8);
    assertThat(log.split("Formatting metadata directory", -1)).hasSize(2);
  }

  @Test
  void shouldNeverHarmARunningBrokerWhenStartedOnItsDataDirectoryOrItsPort() throws Exception {
    int port = freePort();
    String bootstrap = "127.0.0.1:" + port;
    Process running = start(port, dir.resolve("running.log"));
    try {
      Process sameDir = broker(dir.resolve("kafka"), freePort()).start();
      String sameDirOutput =
          new String(sameDir.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      Process samePort = broker(dir.resolve("other"), port).start();
      String samePortOutput =
          new String(samePort.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(sameDir.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(sameDir.exitValue()).isEqualTo(1);
      assertThat(sameDirOutput)
          .contains("another walstream broker is using that data directory")
          .doesNotContain("Kafka broker ready at");
      assertThat(samePort.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(samePort.exitValue()).isEqualTo(1);
      assertThat(samePortOutput)
          .contains("the port is in use")
          .doesNotContain("Kafka broker ready at");
      // The running broker still serves.
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin.createTopics(List.of(new NewTopic("still-here", 1, (short) 1))).all().get();
        assertThat(admin.listTopics().names().get()).contains("still-here");
      }
      assertThat(running.isAlive()).isTrue();
    } finally {
      stop(running);
    }
  }
}
