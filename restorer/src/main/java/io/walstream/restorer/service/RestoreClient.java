package io.walstream.restorer.service;

import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.serde.WalstreamSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The requester's side of the restore service: publishes commands (keyed by command id, with an
 * idempotent producer) and follows a job's statuses until it reaches a terminal state.
 */
public final class RestoreClient {
  private final Map<String, Object> clientProperties;
  private final String commandsTopic;
  private final String statusTopic;

  public RestoreClient(
      Map<String, Object> clientProperties, String commandsTopic, String statusTopic) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.commandsTopic = commandsTopic;
    this.statusTopic = statusTopic;
  }

  /** Publishes {@code command} and waits until the broker has acknowledged it. */
  public void send(RestoreCommand command) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, RestoreCommand> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), WalstreamSerdes.restoreCommand().serializer())) {
      producer
          .send(new ProducerRecord<>(commandsTopic, command.getCommandId(), command))
          .get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WalstreamException("Interrupted sending command " + command.getCommandId(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new WalstreamException(
          "Cannot send command "
              + command.getCommandId()
              + " to "
              + commandsTopic
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Follows the statuses of {@code commandId} (from the beginning of the status topic, so a job
   * that already finished is reported at once), handing each to {@code onStatus}, until one is
   * terminal; empty when {@code timeout} passes first.
   */
  public Optional<RestoreStatus> await(
      String commandId, Duration timeout, Consumer<RestoreStatus> onStatus) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = JobTable.statusConsumer(clientProperties)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(statusTopic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(statusTopic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          RestoreStatus status = JobTable.decode(r);
          if (status == null || !status.getCommandId().equals(commandId)) {
            continue;
          }
          onStatus.accept(status);
          if (JobTable.terminal(status.getState())) {
            return Optional.of(status);
          }
        }
      }
      return Optional.empty();
    }
  }

  /**
   * As {@link #await}, for the requester of {@code sent}: a status of the same command id whose
   * fingerprint is another command's means the id was used before by a different command; this
   * command was not run and that job's outcome is not its own.
   *
   * @throws CommandIdInUseException when the statuses belong to another command
   */
  public Optional<RestoreStatus> awaitOwn(
      RestoreCommand sent, Duration timeout, Consumer<RestoreStatus> onStatus) {
    String fingerprint = CommandFingerprint.of(sent);
    return await(
        sent.getCommandId(),
        timeout,
        status -> {
          String theirs = status.getCommandFingerprint();
          if (theirs != null && !theirs.equals(fingerprint)) {
            throw new CommandIdInUseException(
                "Cannot follow command "
                    + sent.getCommandId()
                    + ": the command id is already used by another command (database "
                    + status.getDatabase()
                    + ", "
                    + status.getState()
                    + "); the service does not run a second command under a known id, so"
                    + " nothing was restored: request it again with another --command-id");
          }
          onStatus.accept(status);
        });
  }

  /** Every job's latest status, as the compacted status topic holds them now. */
  public List<RestoreStatus> jobs() {
    JobTable table = new JobTable();
    table.reload(clientProperties, statusTopic);
    return table.all();
  }
}
