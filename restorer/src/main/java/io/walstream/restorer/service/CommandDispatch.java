package io.walstream.restorer.service;

import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.serde.WalstreamSerdes;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the restore service does with each command it consumes, apart from its lifecycle: a new
 * command is checked and run as a job (or rejected), a redelivery or a different command under a
 * known id is ignored, a cancel stops its job; jobs of partitions this instance gains are re-run,
 * of partitions it loses stopped.
 */
final class CommandDispatch {
  private static final Logger LOG = LoggerFactory.getLogger(CommandDispatch.class);

  private final CommandCheck check;
  private final JobTable table;
  private final Map<String, RestoreJob> active;
  private final ExecutorService jobs;
  private final JobContext context;
  private final ToIntFunction<String> partitionOf;

  CommandDispatch(
      CommandCheck check,
      JobTable table,
      Map<String, RestoreJob> active,
      ExecutorService jobs,
      JobContext context,
      ToIntFunction<String> partitionOf) {
    this.check = check;
    this.table = table;
    this.active = active;
    this.jobs = jobs;
    this.context = context;
    this.partitionOf = partitionOf;
  }

  /** Handles one consumed command record. */
  void handle(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    RestoreCommand command;
    try {
      command = WalstreamSerdes.restoreCommand().codec().decode(record.value());
    } catch (DecodeException e) {
      rejectUndecodable(record, e);
      return;
    }
    String id = command.getCommandId();
    if (record.key() != null && !record.key().equals(id)) {
      rejectIfNew(id, command, "the record key '" + record.key() + "' differs from the commandId");
      return;
    }
    if (command.getType() == CommandType.CANCEL) {
      if (check.authentic(command)) {
        cancel(id);
      } else {
        LOG.warn("Ignoring an unsigned or wrongly signed CANCEL for job {}", id);
      }
      return;
    }
    if (!ignoredAsKnown(id, command, record)) {
      accept(command, 1, null);
    }
  }

  /**
   * Whether the command's id is already known, so that it is not run: a redelivery of the same
   * command, or another command under that id.
   */
  private boolean ignoredAsKnown(
      String id, RestoreCommand command, ConsumerRecord<String, byte[]> record) {
    Optional<RestoreStatus> known = table.get(id);
    String theirs = known.map(RestoreStatus::getCommandFingerprint).orElse(null);
    if (theirs != null && !theirs.equals(CommandFingerprint.of(command))) {
      // Not published: a status under this id would replace the other job's in the table.
      context.metrics().duplicate();
      LOG.warn(
          "Ignoring command {} at {}-{}@{}: the command id is already used by another command"
              + " ({}); its requester is told so by the fingerprint of the statuses",
          id,
          record.topic(),
          record.partition(),
          record.offset(),
          known.get().getState());
      return true;
    }
    if (known.isPresent() || active.containsKey(id)) {
      context.metrics().duplicate();
      LOG.info(
          "Ignoring command {} at {}-{}@{}: this command id is already known ({})",
          id,
          record.topic(),
          record.partition(),
          record.offset(),
          known.map(s -> s.getState().name()).orElse("queued"));
      return true;
    }
    return false;
  }

  private void rejectUndecodable(ConsumerRecord<String, byte[]> record, DecodeException e) {
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    String id = record.key() != null ? record.key() : "undecodable@" + where;
    rejectIfNew(id, null, "Cannot decode command at " + where + ": " + e.getMessage());
  }

  private void rejectIfNew(String id, RestoreCommand command, String reason) {
    if (table.get(id).isPresent() || active.containsKey(id)) {
      LOG.warn("Ignoring a bad command for known job {}: {}", id, reason);
      return;
    }
    reject(id, command, 1, reason);
  }

  private void accept(RestoreCommand command, int attempt, String message) {
    String id = command.getCommandId();
    JobSpec spec;
    try {
      spec = check.check(command);
    } catch (CommandCheck.Rejected e) {
      reject(command.getCommandId(), command, attempt, e.getMessage());
      return;
    }
    RestoreJob job = new RestoreJob(spec, attempt, context);
    job.accepted(message);
    active.put(id, job);
    jobs.execute(
        () -> {
          try {
            job.run();
          } finally {
            active.remove(id);
          }
        });
  }

  private void reject(String id, RestoreCommand command, int attempt, String reason) {
    LOG.info("Rejecting command {}: {}", id, reason);
    RestoreStatus.Builder rejected =
        context
            .publisher()
            .status(id, JobState.REJECTED)
            .setDatabase(command == null ? null : command.getDatabase())
            .setCommandFingerprint(command == null ? null : CommandFingerprint.of(command))
            .setAttempt(attempt)
            .setErrorKind(ErrorKind.REJECTED)
            .setMessage(reason);
    publish(rejected.setFinishedAt(rejected.getUpdatedAt()));
  }

  private void cancel(String id) {
    RestoreJob job = active.get(id);
    if (job != null) {
      LOG.info("Cancelling job {}", id);
      job.stop(RestoreJob.Stop.CANCEL);
      return;
    }
    Optional<RestoreStatus> known = table.get(id);
    if (known.isEmpty()) {
      // Answered, so that a requester waiting for the outcome learns it at once.
      reject(id, null, 1, "unknown command id " + id + ": there is no job to cancel");
      return;
    }
    LOG.warn("Cannot cancel job {}: it is not running (last state {})", id, known.get().getState());
  }

  /**
   * Re-runs the jobs of newly owned command partitions that no instance finished: the job table has
   * just been rebuilt from the status topic.
   */
  void recover(Set<Integer> partitions) {
    for (RestoreStatus status : table.all()) {
      String id = status.getCommandId();
      if (JobTable.terminal(status.getState())
          || active.containsKey(id)
          || !partitions.contains(partitionOf.applyAsInt(id))) {
        continue;
      }
      if (status.getCommand() == null) {
        publish(
            context
                .publisher()
                .status(id, JobState.FAILED)
                .setDatabase(status.getDatabase())
                .setErrorClass("NotRerunnable")
                .setErrorKind(ErrorKind.PERMANENT)
                .setErrorMessage(
                    "Cannot re-run job " + id + ": its status does not hold the command"));
        continue;
      }
      RestoreCommand command =
          WalstreamSerdes.restoreCommand().codec().decode(bytes(status.getCommand()));
      accept(
          command,
          status.getAttempt() + 1,
          "re-run from the beginning: instance "
              + status.getInstanceId()
              + " stopped while the job was "
              + status.getState());
    }
  }

  /**
   * Stops the jobs of command partitions this instance no longer owns; their owner re-runs them.
   */
  void release(Set<Integer> partitions) {
    for (RestoreJob job : active.values()) {
      if (partitions.contains(partitionOf.applyAsInt(job.commandId()))) {
        job.stop(RestoreJob.Stop.SHUTDOWN);
      }
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private void publish(RestoreStatus.Builder status) {
    RestoreStatus built = status.build();
    context.metrics().state(built.getState());
    context.publisher().publish(built);
  }
}
