package io.walstream.restorer.service;

import io.walstream.archive.layout.Names;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreTargetSpec;
import io.walstream.schemas.avro.SinkKind;
import io.walstream.schemas.avro.SinkSpec;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides, before any work, whether a RESTORE or VERIFY command may run: required fields present
 * and consistent, a known database, a signature when the service requires one, and an output the
 * sink policy allows. The first problem found is the rejection reason.
 */
final class CommandCheck {
  private final SinkPolicy policy;
  private final String signatureKey;
  private final int defaultParallelism;
  private final Supplier<Set<String>> databases;

  CommandCheck(RestoreServiceConfig config, Supplier<Set<String>> databases) {
    this.policy = new SinkPolicy(config);
    this.signatureKey = config.signatureKey();
    this.defaultParallelism = config.parallelism();
    this.databases = databases;
  }

  /** Thrown with the reason a command is rejected. */
  static final class Rejected extends Exception {
    Rejected(String reason) {
      super(reason);
    }
  }

  /** Whether {@code command} is signed as the service requires (always, when it requires none). */
  boolean authentic(RestoreCommand command) {
    return signatureKey == null || CommandSignature.verify(command, signatureKey);
  }

  /** The runnable job for {@code command}, or {@link Rejected} with the reason. */
  JobSpec check(RestoreCommand command) throws Rejected {
    if (command.getCommandId().isBlank()) {
      throw new Rejected("commandId is empty");
    }
    if (!authentic(command)) {
      throw new Rejected(
          command.getSignature() == null
              ? "the service requires signed commands and this one has no signature"
              : "the signature does not match the command");
    }
    int parallelism =
        command.getParallelism() == null ? defaultParallelism : command.getParallelism();
    if (parallelism < 1 || parallelism > 64) {
      throw new Rejected("parallelism " + parallelism + " is outside 1..64");
    }
    String database = command.getDatabase();
    if (database != null) {
      String problem = Names.problem(database);
      if (problem != null) {
        throw new Rejected("database name is invalid: " + problem);
      }
      if (!databases.get().contains(database)) {
        throw new Rejected("database '" + database + "' is not in the archive");
      }
    }
    if (command.getType() == CommandType.VERIFY) {
      return new JobSpec(command, null, null, parallelism);
    }
    if (database == null) {
      throw new Rejected("a " + command.getType() + " command needs a database");
    }
    if (command.getType() == CommandType.SNAPSHOT) {
      if (command.getSink() != null) {
        throw new Rejected("a SNAPSHOT command writes into the archive and takes no sink");
      }
      return new JobSpec(command, target(command.getTarget()), null, parallelism);
    }
    RestoreTarget target = target(command.getTarget());
    if (command.getFollow()) {
      checkFollow(command, target);
    }
    return new JobSpec(command, target, output(command), parallelism);
  }

  /** A follow job: target LATEST, a SQLite or JDBC sink, not a dry run. */
  private static void checkFollow(RestoreCommand command, RestoreTarget target) throws Rejected {
    if (!(target instanceof RestoreTarget.Latest)) {
      throw new Rejected("a follow job takes target LATEST only");
    }
    if (command.getDryRun()) {
      throw new Rejected("a follow job cannot be a dry run");
    }
    if (command.getSink() != null && command.getSink().getKind() == SinkKind.KAFKA) {
      throw new Rejected(
          "a follow job keeps a SQLite file or a PostgreSQL schema current, not a topic");
    }
  }

  private static RestoreTarget target(RestoreTargetSpec spec) throws Rejected {
    if (spec == null) {
      throw new Rejected("a RESTORE or SNAPSHOT command needs a target");
    }
    switch (spec.getKind()) {
      case LATEST:
        return new RestoreTarget.Latest();
      case LSN:
        if (spec.getLsn() == null) {
          throw new Rejected("target kind LSN needs target.lsn");
        }
        return new RestoreTarget.AtLsn(spec.getLsn());
      case TIME:
        if (spec.getTime() == null) {
          throw new Rejected("target kind TIME needs target.time");
        }
        return new RestoreTarget.AtTime(spec.getTime());
      default:
        throw new Rejected("unknown target kind " + spec.getKind());
    }
  }

  private JobSpec.Output output(RestoreCommand command) throws Rejected {
    SinkSpec sink = command.getSink();
    if (sink == null) {
      throw new Rejected("a RESTORE command needs a sink");
    }
    // A dry run writes nothing, but its output is checked all the same, so that a plan that
    // looked fine is not followed by a rejected real run.
    switch (sink.getKind()) {
      case SQLITE:
        if (sink.getPath() == null || sink.getPath().isBlank()) {
          throw new Rejected("sink kind SQLITE needs sink.path");
        }
        SinkPolicy.Decision<java.nio.file.Path> file =
            command.getFollow()
                ? policy.followSqlite(sink.getPath())
                : policy.sqlite(sink.getPath(), sink.getOverwrite());
        if (!file.allowed()) {
          throw new Rejected(file.refusal());
        }
        return new JobSpec.Output.SqliteFile(
            file.value(), policy.replaceExisting(sink.getOverwrite()));
      case JDBC:
        if (sink.getJdbcUrl() == null || sink.getJdbcUrl().isBlank()) {
          throw new Rejected("sink kind JDBC needs sink.jdbcUrl");
        }
        SinkPolicy.Decision<String> url = policy.jdbc(sink.getJdbcUrl(), sink.getOverwrite());
        if (!url.allowed()) {
          throw new Rejected(url.refusal());
        }
        String schema = sink.getSchema$() == null ? command.getDatabase() : sink.getSchema$();
        String problem = Names.problem(schema);
        if (problem != null) {
          throw new Rejected("schema name is invalid: " + problem);
        }
        return new JobSpec.Output.Jdbc(
            url.value(), schema, policy.replaceExisting(sink.getOverwrite()));
      case KAFKA:
        if (sink.getTopic() == null || sink.getTopic().isBlank()) {
          throw new Rejected("sink kind KAFKA needs sink.topic");
        }
        SinkPolicy.Decision<String> topic = policy.kafka(sink.getTopic());
        if (!topic.allowed()) {
          throw new Rejected(topic.refusal());
        }
        return new JobSpec.Output.Topic(topic.value());
      default:
        throw new Rejected("unknown sink kind " + sink.getKind());
    }
  }
}
