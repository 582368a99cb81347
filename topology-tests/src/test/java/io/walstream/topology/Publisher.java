package io.walstream.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a workload in the background, as producer applications do (idempotent, keyed by
 * database), at a bounded rate, recording every acknowledged record's offset in the ledger.
 */
final class Publisher implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final TortureWorkload workload;
  private final Ledger ledger;
  private final int perSecond;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Thread thread;

  Publisher(
      String bootstrap, String topic, TortureWorkload workload, Ledger ledger, int perSecond) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // Delivery must outlast a broker restart in the broker fault suite.
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    // One request in flight: an idempotent producer whose first batch (sequence 0) fails with a
    // retriable error (NOT_LEADER_OR_FOLLOWER just after the topic was created) while a later one
    // lands retries the first forever with OUT_OF_ORDER_SEQUENCE_NUMBER (KAFKA-14359), and the
    // ledger's flush never returns; seen once here, in the two-archiver crash torture.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.workload = workload;
    this.ledger = ledger;
    this.perSecond = perSecond;
    this.thread = new Thread(this::run, "torture-publisher");
  }

  Publisher start() {
    thread.start();
    return this;
  }

  /** Publishes {@code transactions} transactions right away, in the calling thread. */
  void publish(int transactions) {
    for (int t = 0; t < transactions; t++) {
      send();
    }
    producer.flush();
  }

  private void run() {
    long sent = 0;
    long start = System.nanoTime();
    try {
      while (running.get()) {
        sent += send();
        long due = start + sent * 1_000_000_000L / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          // Pacing the producer to its rate, not waiting for a condition.
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
    } catch (RuntimeException e) {
      failure.set(e);
    }
  }

  private int send() {
    var units = workload.next();
    for (TortureWorkload.Unit u : units) {
      producer.send(
          new ProducerRecord<>(topic, u.key(), u.value()),
          (metadata, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
              return;
            }
            Ledger.Offset at =
                new Ledger.Offset(metadata.topic(), metadata.partition(), metadata.offset());
            if (u.change() != null) {
              ledger.valid(at, u.change());
            } else {
              ledger.bad(at, u.deadLetterReason());
            }
          });
    }
    return units.size();
  }

  /** Stops publishing and waits until every record sent is acknowledged. */
  @Override
  public void close() throws Exception {
    running.set(false);
    thread.join();
    producer.flush();
    producer.close();
    if (failure.get() != null) {
      throw new IllegalStateException("Publishing failed", failure.get());
    }
  }
}
