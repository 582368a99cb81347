package io.walstream.restorer.service;

import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.serde.WalstreamSerdes;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes job statuses to the status topic, keyed by command id (so the compacted topic is the
 * job table), with an idempotent producer, and keeps the service's own job table in step.
 */
final class StatusPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusPublisher.class);

  private final Producer<String, RestoreStatus> producer;
  private final String topic;
  private final String instanceId;
  private final JobTable table;
  private final Clock clock;

  StatusPublisher(RestoreServiceConfig config, String instanceId, JobTable table, Clock clock) {
    Map<String, Object> props = new java.util.HashMap<>(config.clientProperties());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    this.producer =
        new KafkaProducer<>(
            props, new StringSerializer(), WalstreamSerdes.restoreStatus().serializer());
    this.topic = config.statusTopic();
    this.instanceId = instanceId;
    this.table = table;
    this.clock = clock;
  }

  /** A status for {@code commandId} in {@code state}, stamped with this instance and the time. */
  RestoreStatus.Builder status(String commandId, JobState state) {
    return RestoreStatus.newBuilder()
        .setCommandId(commandId)
        .setState(state)
        .setInstanceId(instanceId)
        .setUpdatedAt(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  /** Records the status in the job table and sends it; a failed send is logged with the id. */
  void publish(RestoreStatus status) {
    table.record(status);
    LOG.info(
        "Job {}: {}{}",
        status.getCommandId(),
        status.getState(),
        status.getMessage() == null ? "" : " (" + status.getMessage() + ")");
    producer.send(
        new ProducerRecord<>(topic, status.getCommandId(), status),
        (metadata, e) -> {
          if (e != null) {
            LOG.error(
                "Cannot publish status {} of job {} to {}: {}",
                status.getState(),
                status.getCommandId(),
                topic,
                e.toString());
          }
        });
  }

  /**
   * Waits until every status sent so far is acknowledged, so that committing the command offsets
   * after it never loses a job whose acceptance was not stored.
   */
  void flush() {
    try {
      producer.flush();
    } catch (RuntimeException e) {
      throw new IllegalStateException("Cannot publish statuses to " + topic + ": " + e, e);
    }
  }

  /** Sends {@code status} and waits for the acknowledgement. */
  void publishAndWait(RestoreStatus status) {
    table.record(status);
    try {
      producer
          .send(new ProducerRecord<>(topic, status.getCommandId(), status))
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted publishing status of " + status.getCommandId(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot publish status of job " + status.getCommandId() + " to " + topic + ": " + e, e);
    }
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
