package io.walstream.restorer.service;

import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.RestoreCommand;
import java.nio.file.Path;

/** A command that passed every check, with its target and output resolved. */
record JobSpec(RestoreCommand command, RestoreTarget target, Output output, int parallelism) {
  JobSpec {
    if (command.getType() == CommandType.RESTORE && (target == null || output == null)) {
      throw new IllegalArgumentException(
          "Cannot run restore " + command.getCommandId() + ": no target or output");
    }
  }

  String commandId() {
    return command.getCommandId();
  }

  /** Where a restore writes; closed set. */
  sealed interface Output {
    /** A SQLite file, already resolved and allowed. */
    record SqliteFile(Path path, boolean replaceExisting) implements Output {}

    /** A PostgreSQL schema, the URL allowed. */
    record Jdbc(String url, String schema, boolean replaceExisting) implements Output {}

    /** A Kafka topic the change records are replayed into, allowed. */
    record Topic(String topic) implements Output {}
  }
}
