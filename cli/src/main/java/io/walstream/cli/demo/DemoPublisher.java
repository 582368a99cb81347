package io.walstream.cli.demo;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.serde.WalstreamSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes the demo's records as a producer application would (Avro single-object encoding, keyed
 * by database, idempotent), followed by three records the archiver must dead-letter; reads the
 * dead-letter topic back.
 */
final class DemoPublisher {
  private DemoPublisher() {}

  /** What was published. */
  record Published(int valid, long transactions) {}

  static Published publish(String bootstrap, String topic, DemoWorkload workload)
      throws InterruptedException, ExecutionException {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    SingleObjectCodec<ChangeRecord> codec = WalstreamSerdes.changeRecord().codec();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (List<ChangeRecord> database : List.of(workload.shop(), workload.crm())) {
        for (ChangeRecord r : database) {
          sent.add(producer.send(new ProducerRecord<>(topic, r.getDatabase(), codec.encode(r))));
        }
      }
      for (byte[] bad : malformed(workload, codec)) {
        sent.add(producer.send(new ProducerRecord<>(topic, "shop", bad)));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    }
    long transactions =
        workload.shop().stream().filter(ChangeRecord::getTxLast).count()
            + workload.crm().stream().filter(ChangeRecord::getTxLast).count();
    return new Published(workload.shop().size() + workload.crm().size(), transactions);
  }

  /** Bytes that are not a change record; a table name with a control character; an old LSN. */
  private static List<byte[]> malformed(
      DemoWorkload workload, SingleObjectCodec<ChangeRecord> codec) {
    ChangeRecord last = workload.shop().get(workload.shop().size() - 1);
    ChangeRecord badName =
        ChangeRecord.newBuilder(last)
            .setTable("orders\u0007")
            .setLsn(last.getLsn() + 10)
            .setTxIndex(0)
            .setTxLast(true)
            .build();
    ChangeRecord regression =
        ChangeRecord.newBuilder(workload.shop().get(10))
            .setTable("late_arrivals")
            .setTxIndex(0)
            .setTxLast(true)
            .build();
    return List.of(
        "{\"not\": \"a change record\"}".getBytes(StandardCharsets.UTF_8),
        codec.encode(badName),
        codec.encode(regression));
  }

  /** Dead letters by reason, read from the start of the topic until {@code expected} arrived. */
  static Map<String, Long> deadLetters(String bootstrap, String topic, int expected) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Long> reasons = new TreeMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long count = 0;
      while (count < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Header reason = r.headers().lastHeader("walstream.dlq.reason");
          reasons.merge(
              reason == null ? "(no reason)" : new String(reason.value(), StandardCharsets.UTF_8),
              1L,
              Long::sum);
          count++;
        }
      }
    }
    if (reasons.isEmpty()) {
      throw new WalstreamException("Cannot find the dead letters on " + topic + " within 30 s");
    }
    return reasons;
  }
}
