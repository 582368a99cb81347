package io.walstream.restorer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.restorer.sink.KafkaTopicSink;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.avro.SinkKind;
import io.walstream.schemas.avro.SinkSpec;
import io.walstream.schemas.avro.TargetKind;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Follow jobs and KAFKA sinks in the restore service, on a real broker: a follow job stays RUNNING
 * with its lag while the archive grows, resumes from the target's position after a service restart,
 * and ends CANCELLED holding every transaction up to its position; a KAFKA sink writes only allowed
 * topics.
 */
class ServiceFollowIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final StreamId SHOP = new StreamId(ServiceFixture.DB, "walstream.changes", 0);
  @TempDir Path dir;
  private RestoreService service;
  private long nextLsn;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  private void start(ServiceFixture f, Map<String, Object> extra) {
    Map<String, Object> settings = f.settings();
    settings.put(RestoreServiceConfig.FOLLOW_POLL_INTERVAL_MS, "100");
    settings.putAll(extra);
    service = RestoreService.start(RestoreServiceConfig.parse(settings));
  }

  /** Archives {@code n} more transactions after what the archive holds. */
  private void grow(ServiceFixture f, int n) {
    ArchiveWriter writer = new ArchiveWriter(new FileSystemObjectStore(f.archive), "more");
    StreamHead head = writer.loadHead(SHOP);
    writer.commit(
        head,
        Records.batch(
            Records.transactions(ServiceFixture.DB, nextLsn, n, f.perTx),
            head.lastSourceOffset() + 1));
    nextLsn += n;
  }

  @Test
  void shouldFollowUntilCancelledAndResumeAfterARestart() throws Exception {
    ServiceFixture f = new ServiceFixture(dir, 300, 2);
    nextLsn = ServiceFixture.FIRST_LSN + 300;
    start(f, Map.of());
    Path output = f.outputs.resolve("follower.db");
    RestoreCommand follow =
        ServiceFixture.restore("follow-1", TargetKind.LATEST, null, output).setFollow(true).build();
    List<RestoreStatus> seen = new CopyOnWriteArrayList<>();
    RestoreClient client = f.client();
    client.send(follow);
    Thread watcher = new Thread(() -> client.await("follow-1", Duration.ofSeconds(120), seen::add));
    watcher.start();

    await().atMost(WAIT).until(() -> lsnSeen(seen) == nextLsn - 1);
    assertThat(ServiceFixture.actual(output)).isEqualTo(model(f));
    grow(f, 40);
    await().atMost(WAIT).until(() -> lsnSeen(seen) == nextLsn - 1);
    assertThat(ServiceFixture.actual(output)).isEqualTo(model(f));

    service.close();
    service = null;
    grow(f, 25);
    start(f, Map.of());
    await().atMost(WAIT).until(() -> lsnSeen(seen) == nextLsn - 1);
    assertThat(ServiceFixture.actual(output)).isEqualTo(model(f));

    client.send(RestoreCommand.newBuilder(follow).setType(CommandType.CANCEL).build());
    watcher.join(WAIT.toMillis());
    RestoreStatus end = seen.get(seen.size() - 1);

    assertThat(end.getState()).isEqualTo(JobState.CANCELLED);
    assertThat(end.getErrorKind()).isEqualTo(ErrorKind.CANCELLED);
    assertThat(end.getRecoveredLsn()).isEqualTo(nextLsn - 1);
    assertThat(end.getMessage())
        .isEqualTo("follow stopped; the target holds every transaction up to lsn " + (nextLsn - 1));
    assertThat(ServiceFixture.actual(output)).isEqualTo(model(f));
    List<RestoreStatus> running =
        seen.stream().filter(s -> s.getState() == JobState.RUNNING).toList();
    assertThat(running).allSatisfy(s -> assertThat(s.getFollowLagMs()).isNotNull());
    assertThat(running).extracting(RestoreStatus::getMessage).contains("following: continued");
    assertThat(seen)
        .extracting(RestoreStatus::getMessage)
        .contains(
            "interrupted by a service shutdown; it will resume from the position the target holds");
  }

  /** Every transaction archived so far (the fixture's and the ones grown since), by table. */
  private Map<String, java.util.TreeSet<Long>> model(ServiceFixture f) {
    Map<String, java.util.TreeSet<Long>> rows = new java.util.TreeMap<>();
    for (long l = ServiceFixture.FIRST_LSN; l < nextLsn; l++) {
      for (int i = 0; i < f.perTx; i++) {
        rows.computeIfAbsent(i % 2 == 0 ? "orders" : "customers", t -> new java.util.TreeSet<>())
            .add(l * 100 + i);
      }
    }
    return rows;
  }

  private static long lsnSeen(List<RestoreStatus> seen) {
    return seen.stream()
        .filter(s -> s.getState() == JobState.RUNNING && s.getRecoveredLsn() != null)
        .mapToLong(RestoreStatus::getRecoveredLsn)
        .reduce((a, b) -> b)
        .orElse(-1);
  }

  @Test
  void shouldReplayIntoAnAllowedTopicOnlyAndExactlyOnce() {
    ServiceFixture f = new ServiceFixture(dir, 200, 3);
    String allowed = "replay-" + f.suffix;
    KafkaBroker.createTopics(1, allowed);
    start(f, Map.of(RestoreServiceConfig.KAFKA_ALLOWED_TOPICS, allowed));

    RestoreStatus done = f.finish(topicRestore("t-1", allowed), WAIT);
    RestoreStatus again = f.finish(topicRestore("t-2", allowed), WAIT);
    RestoreStatus refused = f.finish(topicRestore("t-3", "elsewhere-" + f.suffix), WAIT);

    assertThat(done.getState()).as(String.valueOf(done)).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.getRecordsDone()).isEqualTo(600L);
    assertThat(again.getState()).isEqualTo(JobState.SUCCEEDED);
    assertThat(again.getRecordsDone()).as("a rerun writes nothing twice").isZero();
    assertThat(committedRecords(allowed)).isEqualTo(600);
    assertThat(refused.getState()).isEqualTo(JobState.REJECTED);
    assertThat(refused.getMessage())
        .contains("topic elsewhere-" + f.suffix + " is not an allowed restore topic")
        .contains(RestoreServiceConfig.KAFKA_ALLOWED_TOPICS);
  }

  private static RestoreCommand topicRestore(String id, String topic) {
    return ServiceFixture.restore(id, TargetKind.LATEST, null, Path.of("unused"))
        .setSink(SinkSpec.newBuilder().setKind(SinkKind.KAFKA).setTopic(topic).build())
        .build();
  }

  private static long committedRecords(String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long n = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      boolean marked = false;
      while (consumer.position(tp) < end) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          n++;
          marked = r.headers().lastHeader(KafkaTopicSink.END_HEADER) != null;
        }
      }
      assertThat(marked).as("the last record marks the end").isTrue();
    }
    return n;
  }
}
