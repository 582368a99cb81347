package io.walstream.archiver.it;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.testing.ArchiveContents;
import io.walstream.schemas.testing.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive directory deleted under a running archiver: the next cut finds its stream's head
 * manifest gone and the archiver stops, naming the stream and the key, instead of writing a chain
 * without its start into a recreated directory.
 */
class VanishedArchiveIT {
  @TempDir Path dir;

  private static void publish(String topic, long firstLsn, int count) {
    try (KafkaProducer<byte[], byte[]> producer = ArchiverIT.producer()) {
      for (int i = 0; i < count; i++) {
        long lsn = firstLsn + i;
        producer.send(
            new ProducerRecord<>(
                topic,
                0,
                ArchiverIT.key("shop"),
                bytes(insert("shop", "orders", lsn, lsn, 0, true))));
      }
      producer.flush();
    }
  }

  /**
   * Deletes {@code root} while the archiver may still be writing into it: a file it adds (or
   * removes) between the walk and the deletes sends the walk round again.
   */
  private static void deleteTree(Path root) throws IOException {
    for (int attempt = 1; Files.exists(root); attempt++) {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (java.nio.file.DirectoryNotEmptyException
          | java.nio.file.NoSuchFileException
          | java.io.UncheckedIOException e) {
        if (attempt >= 20) {
          throw e;
        }
      }
    }
  }

  @Test
  void shouldStopNamingTheStreamWhenTheArchiveIsDeletedUnderIt() throws Exception {
    String prefix = "gone" + UUID.randomUUID().toString().substring(0, 6);
    String topic = prefix + ".changes";
    KafkaBroker.createTopics(1, topic);
    Path archive = dir.resolve("archive");
    StreamId stream = new StreamId("shop", topic, 0);
    Map<String, Object> settings = ArchiverIT.settings(archive.toUri().toString(), prefix);
    publish(topic, 1, 50);

    try (ArchiverApp app = ArchiverApp.start(ArchiverConfig.parse(settings));
        ObjectStore store = ObjectStores.open(archive.toUri().toString())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> ArchiveContents.count(store) >= 50);
      long head = new io.walstream.archive.read.ArchiveReader(store).loadHead(stream).seq();
      deleteTree(archive);
      publish(topic, 51, 10);

      await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.ERROR);
      Throwable root = app.failure();
      while (root.getCause() != null) {
        root = root.getCause();
      }
      assertThat(root).isInstanceOf(IntegrityException.class);
      assertThat(((IntegrityException) root).key())
          .isEqualTo(ArchiveLayout.manifestKey(stream, head));
      assertThat(root.getMessage())
          .contains("Cannot commit seq " + (head + 1) + " of " + stream)
          .contains("is gone from the archive");
    }
    // Nothing was written into the recreated directory past the missing chain.
    try (Stream<Path> left = Files.exists(archive) ? Files.walk(archive) : Stream.empty()) {
      assertThat(left.filter(Files::isRegularFile).map(Path::toString))
          .noneMatch(p -> p.endsWith(".manifest.json"));
    }
  }
}
