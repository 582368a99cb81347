package io.walstream.restorer.service;

import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.serde.WalstreamSerdes;
import io.walstream.service.kafka.KafkaGrant;
import io.walstream.service.kafka.KafkaTimeouts;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The requester's side of the restore service: publishes commands (keyed by command id, with an
 * idempotent producer) and follows a job's statuses until it reaches a terminal state. Every call
 * to Kafka is bounded by the client's Kafka timeout, so a command without a reachable broker fails
 * within it, naming the servers.
 */
public final class RestoreClient {
  /** The Kafka timeout of a client made without one. */
  public static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(30);

  private final Map<String, Object> clientProperties;
  private final String commandsTopic;
  private final String statusTopic;
  private final Duration kafkaTimeout;

  public RestoreClient(
      Map<String, Object> clientProperties, String commandsTopic, String statusTopic) {
    this(clientProperties, commandsTopic, statusTopic, DEFAULT_KAFKA_TIMEOUT);
  }

  /**
   * @param kafkaTimeout how long any one call to Kafka may wait for the broker
   */
  public RestoreClient(
      Map<String, Object> clientProperties,
      String commandsTopic,
      String statusTopic,
      Duration kafkaTimeout) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.commandsTopic = commandsTopic;
    this.statusTopic = statusTopic;
    this.kafkaTimeout = kafkaTimeout;
  }

  /** Publishes {@code command} and waits until the broker has acknowledged it. */
  public void send(RestoreCommand command) {
    send(command, kafkaTimeout);
  }

  /**
   * Publishes {@code command} and waits until the broker has acknowledged it, at most {@code
   * within} (and never longer than the Kafka timeout).
   *
   * @throws WalstreamException of kind TRANSIENT when the broker did not acknowledge it in time
   */
  public void send(RestoreCommand command, Duration within) {
    Duration bound = within.compareTo(kafkaTimeout) < 0 ? within : kafkaTimeout;
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    String doing = "send command " + command.getCommandId() + " to topic " + commandsTopic;
    long started = System.nanoTime();
    try (KafkaProducer<String, RestoreCommand> producer =
        new KafkaProducer<>(
            KafkaTimeouts.producer(props, bound),
            new StringSerializer(),
            WalstreamSerdes.restoreCommand().serializer())) {
      Future<RecordMetadata> sent =
          producer.send(new ProducerRecord<>(commandsTopic, command.getCommandId(), command));
      long left = bound.toNanos() - (System.nanoTime() - started);
      sent.get(Math.max(1, left), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WalstreamException("Interrupted sending command " + command.getCommandId(), e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw KafkaTimeouts.failed(
          clientProperties, bound, doing, e, List.of(sendGrant(commandsTopic)));
    }
  }

  /**
   * Follows the statuses of {@code commandId} (from the beginning of the status topic, so a job
   * that already finished is reported at once), handing each to {@code onStatus}, until one is
   * terminal; empty when {@code timeout} passes first. The whole call takes at most about {@code
   * timeout}.
   *
   * @throws WalstreamException when the status topic cannot be found within the Kafka timeout
   */
  public Optional<RestoreStatus> await(
      String commandId, Duration timeout, Consumer<RestoreStatus> onStatus) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration bound = timeout.compareTo(kafkaTimeout) < 0 ? timeout : kafkaTimeout;
    try (KafkaConsumer<String, byte[]> consumer =
        JobTable.statusConsumer(KafkaTimeouts.consumer(clientProperties, bound))) {
      List<TopicPartition> partitions =
          JobTable.partitions(consumer, statusTopic, bound, clientProperties);
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
    } catch (KafkaException e) {
      throw KafkaTimeouts.failed(
          clientProperties, bound, "follow job " + commandId, e, List.of(statusGrant(statusTopic)));
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
    table.reload(clientProperties, statusTopic, kafkaTimeout);
    return table.all();
  }

  /** The ACL sending commands needs: {@code request-restore}, {@code cancel-restore}. */
  public static KafkaGrant sendGrant(String commandsTopic) {
    return KafkaGrant.topic(commandsTopic, AclOperation.WRITE, AclOperation.DESCRIBE);
  }

  /** The ACL following jobs needs: {@code --wait}, {@code restore-status}. */
  public static KafkaGrant statusGrant(String statusTopic) {
    return KafkaGrant.topic(statusTopic, AclOperation.READ, AclOperation.DESCRIBE);
  }
}
