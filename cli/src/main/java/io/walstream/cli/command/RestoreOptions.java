package io.walstream.cli.command;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** What to restore and where: shared by {@code restore} and {@code request-restore}. */
final class RestoreOptions {
  @Option(names = "--database", required = true, description = "Database to restore.")
  String database;

  @ArgGroup(exclusive = true, multiplicity = "1")
  TargetOption target;

  @Option(names = "--output", description = "SQLite file to write.")
  Path output;

  @Option(names = "--jdbc", description = "PostgreSQL JDBC URL to restore into instead.")
  String jdbcUrl;

  @Option(
      names = "--topic",
      description =
          "Kafka topic to replay the database's change records into instead (needs"
              + " --bootstrap-servers; exactly once: a rerun goes on after what is committed).")
  String topic;

  @Option(
      names = "--schema",
      description = "Target schema for --jdbc (default: the database name).")
  String schema;

  @Option(names = "--force", description = "Replace an existing output file or schema.")
  boolean force;

  @Option(names = "--dry-run", description = "Plan only; write nothing.")
  boolean dryRun;

  @Option(
      names = "--accept-gaps",
      description =
          "Restore even when the target lies past a recorded gap (the result lists every gap"
              + " crossed); without it such a restore fails with exit code 3.")
  boolean acceptGaps;

  /** The gap policy the options ask for. */
  io.walstream.restorer.plan.GapPolicy gapPolicy() {
    return acceptGaps
        ? io.walstream.restorer.plan.GapPolicy.ACCEPT
        : io.walstream.restorer.plan.GapPolicy.REFUSE;
  }

  /** Exactly one of --output, --jdbc and --topic; --schema only with --jdbc. */
  void requireOneDestination(CommandLine cli) {
    int given = (output == null ? 0 : 1) + (jdbcUrl == null ? 0 : 1) + (topic == null ? 0 : 1);
    if (given != 1) {
      throw new ParameterException(cli, "exactly one of --output, --jdbc and --topic is required");
    }
    if (schema != null && jdbcUrl == null) {
      throw new ParameterException(cli, "--schema needs --jdbc");
    }
    if (jdbcUrl != null
        && !jdbcUrl.startsWith(io.walstream.restorer.sink.PostgresTarget.URL_PREFIX)) {
      throw new ParameterException(
          cli,
          "--jdbc must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database); restore"
              + " into SQLite with --output FILE");
    }
  }

  /** For a restore on this machine: --output must not name a directory (checked before work). */
  void requireWritableOutput(CommandLine cli) {
    if (output != null && java.nio.file.Files.isDirectory(output)) {
      throw new ParameterException(
          cli, "--output " + output + " is a directory; name the SQLite file to write");
    }
  }

  /** The schema a --jdbc restore writes. */
  String schemaOrDatabase() {
    return schema == null ? database : schema;
  }

  /** Where the restore writes, with any password hidden. */
  String destination() {
    if (topic != null) {
      return "topic " + topic;
    }
    return output != null
        ? output.toAbsolutePath().toString()
        : "schema "
            + schemaOrDatabase()
            + " of "
            + jdbcUrl.replaceAll("password=[^&]*", "password=***");
  }
}
