package io.walstream.restorer.service;

import io.walstream.archive.format.ManifestAvro;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.restorer.sink.SqliteRows;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.avro.RestoreTargetSpec;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.avro.SinkKind;
import io.walstream.schemas.avro.SinkSpec;
import io.walstream.schemas.avro.TargetKind;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.serde.WalstreamSerdes;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** An archive, topics and settings for restore service tests, all unique to one test. */
final class ServiceFixture {
  static final String DB = "shop";
  static final long FIRST_LSN = 1_000;

  final Path archive;
  final Path outputs;
  final String suffix = UUID.randomUUID().toString().substring(0, 8);
  final String commands = "commands-" + suffix;
  final String status = "status-" + suffix;
  final String manifests = "manifests-" + suffix;
  final int transactions;
  final int perTx;

  /** An archive of {@code transactions} transactions of {@code perTx} rows, in segments of 500. */
  ServiceFixture(Path dir, int transactions, int perTx) {
    this.archive = dir.resolve("archive");
    this.outputs = dir.resolve("restores");
    this.transactions = transactions;
    this.perTx = perTx;
    List<ChangeRecord> records = Records.transactions(DB, FIRST_LSN, transactions, perTx);
    ArchiveWriter writer = new ArchiveWriter(new FileSystemObjectStore(archive), "fixture");
    StreamHead head = writer.loadHead(new StreamId(DB, "walstream.changes", 0));
    List<CommitResult.Committed> committed = new ArrayList<>();
    for (int from = 0; from < records.size(); from += 500) {
      List<ChangeRecord> part = records.subList(from, Math.min(records.size(), from + 500));
      CommitResult.Committed c =
          (CommitResult.Committed) writer.commit(head, Records.batch(part, from));
      committed.add(c);
      head = c.head();
    }
    publish(committed);
  }

  /** Publishes the manifests as the archiver does: the anchors every job checks. */
  private void publish(List<CommitResult.Committed> committed) {
    KafkaBroker.createTopics(1, manifests);
    SingleObjectCodec<SegmentManifest> codec = SingleObjectCodec.of(SegmentManifest.class);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            KafkaBroker.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (CommitResult.Committed c : committed) {
        byte[] key = c.manifest().stream().toString().getBytes(StandardCharsets.UTF_8);
        byte[] value = codec.encode(ManifestAvro.toAvro(c.manifest(), c.head().manifestSha256()));
        producer.send(new ProducerRecord<>(manifests, key, value)).get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted publishing manifests", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("Cannot publish manifests: " + e.getCause(), e);
    }
  }

  Map<String, Object> settings() {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    m.put(RestoreServiceConfig.ARCHIVE_URI, archive.toUri().toString());
    m.put(RestoreServiceConfig.COMMANDS_TOPIC, commands);
    m.put(RestoreServiceConfig.STATUS_TOPIC, status);
    m.put(RestoreServiceConfig.MANIFESTS_TOPIC, manifests);
    m.put(RestoreServiceConfig.GROUP_ID, "restorer-" + suffix);
    m.put(RestoreServiceConfig.SQLITE_ALLOWED_DIRS, outputs.toString());
    m.put(RestoreServiceConfig.PROGRESS_INTERVAL_MS, "100");
    m.put(RestoreServiceConfig.METRICS_PORT, "0");
    // A killed instance's partitions move on after this, not after the 45 s default.
    m.put("session.timeout.ms", "6000");
    return m;
  }

  /** Sends {@code command} and waits up to {@code wait} for its job's end. */
  RestoreStatus finish(RestoreCommand command, Duration wait) {
    RestoreClient client = client();
    client.send(command);
    return client.await(command.getCommandId(), wait, s -> {}).orElseThrow();
  }

  RestoreClient client() {
    return new RestoreClient(
        Map.of("bootstrap.servers", KafkaBroker.bootstrapServers()), commands, status);
  }

  static RestoreCommand.Builder restore(String id, TargetKind kind, Long lsn, Path output) {
    return RestoreCommand.newBuilder()
        .setCommandId(id)
        .setType(CommandType.RESTORE)
        .setDatabase(DB)
        .setTarget(RestoreTargetSpec.newBuilder().setKind(kind).setLsn(lsn).build())
        .setSink(
            SinkSpec.newBuilder()
                .setKind(SinkKind.SQLITE)
                .setPath(output.toString())
                .setOverwrite(false)
                .build())
        .setDryRun(false)
        .setRequestedBy("test")
        .setRequestedAt(Instant.parse("2026-11-22T00:00:00Z"));
  }

  /** The rows the archive holds up to {@code lsn}: per table, the ids (the oracle). */
  Map<String, TreeSet<Long>> expected(long lsn) {
    Map<String, TreeSet<Long>> rows = new TreeMap<>();
    for (long l = FIRST_LSN; l < FIRST_LSN + transactions && l <= lsn; l++) {
      for (int i = 0; i < perTx; i++) {
        rows.computeIfAbsent(i % 2 == 0 ? "orders" : "customers", t -> new TreeSet<>())
            .add(l * 100 + i);
      }
    }
    return rows;
  }

  /** The restored ids per table (tables without rows left out). */
  static Map<String, TreeSet<Long>> actual(Path db) throws Exception {
    Map<String, TreeSet<Long>> rows = new TreeMap<>();
    SqliteRows.read(db, "id")
        .forEach(
            (table, byId) -> {
              if (!byId.isEmpty()) {
                byId.keySet()
                    .forEach(
                        id -> rows.computeIfAbsent(table, t -> new TreeSet<>()).add((Long) id));
              }
            });
    return rows;
  }

  /** Every status published for {@code commandId}, in order. */
  List<RestoreStatus> history(String commandId) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<RestoreStatus> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(status).stream()
              .map(p -> new TopicPartition(status, p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (commandId.equals(r.key())) {
            out.add(WalstreamSerdes.restoreStatus().codec().decode(r.value()));
          }
        }
      }
    }
    return out;
  }
}
