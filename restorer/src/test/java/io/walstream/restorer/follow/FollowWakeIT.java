package io.walstream.restorer.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestAvro;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.GrowingArchive;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.sink.SqliteRows;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower watching the manifests topic of a real broker: woken by a published manifest long
 * before its poll interval ends, and stopped by an archive behind what was published.
 */
class FollowWakeIT {
  private static final SingleObjectCodec<SegmentManifest> CODEC =
      SingleObjectCodec.of(SegmentManifest.class);
  @TempDir Path dir;

  private static void publish(String topic, Manifest manifest, String sha) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            KafkaBroker.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] key = manifest.stream().toString().getBytes(StandardCharsets.UTF_8);
      producer
          .send(new ProducerRecord<>(topic, key, CODEC.encode(ManifestAvro.toAvro(manifest, sha))))
          .get();
    }
  }

  private Map<String, TreeSet<Long>> actual(Path output) {
    try {
      return SqliteRows.keys(output, "id");
    } catch (java.sql.SQLException e) {
      // Not there yet: not equal.
      return Map.of();
    }
  }

  @Test
  void shouldApplyAPublishedManifestAtOnceAndStopWhenTheArchiveIsBehindTheTopic() throws Exception {
    FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve("archive"));
    GrowingArchive growing = new GrowingArchive(store, 100).segments(3);
    String topic = "manifests-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaBroker.createTopics(1, topic);
    ArchiveReader reader = new ArchiveReader(store);
    Path output = dir.resolve("f.db");
    Follower follower =
        new Follower(
            store,
            "shop",
            new FollowTarget.SqliteFile(output),
            GapPolicy.REFUSE,
            Follower.Reseed.REFUSE);
    ManifestWatch watch =
        new ManifestWatch(
            Map.of("bootstrap.servers", KafkaBroker.bootstrapServers()),
            topic,
            "shop",
            Duration.ofSeconds(30));
    follower.checkAgainst(watch::anchors);
    follower.start();
    FollowLoop loop =
        new FollowLoop(
            follower,
            Duration.ofSeconds(60),
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    watch.onManifest(loop::wake);
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                loop.run();
              } catch (Throwable e) {
                ended.set(e);
              }
            });
    runner.start();
    try {
      growing.segments(1);
      StoredManifest head = reader.readManifest(GrowingArchive.SHOP, 3).orElseThrow();
      publish(topic, head.manifest(), head.sha256());

      // Woken by the topic: well within the 60 s poll interval.
      await().atMost(Duration.ofSeconds(20)).until(() -> actual(output).equals(growing.model()));

      // The archiver published seq 4, the archive does not hold it: rolled back.
      growing.segments(1);
      StoredManifest four = reader.readManifest(GrowingArchive.SHOP, 4).orElseThrow();
      store.delete(four.key());
      publish(topic, four.manifest(), four.sha256());
      await().atMost(Duration.ofSeconds(20)).until(() -> ended.get() != null);
    } finally {
      loop.stop();
      runner.join(30_000);
      watch.close();
      follower.close();
    }
    assertThat(ended.get())
        .isInstanceOf(ResumeCheck.Refused.class)
        .hasMessageContaining("ROLLED_BACK");
  }
}
