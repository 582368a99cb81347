package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.ingest.connect.CommitLsnHeader;
import io.walstream.schemas.testing.ChildJvm;
import io.walstream.schemas.testing.KafkaBroker;
import io.walstream.schemas.testing.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real change data end to end: a SQL workload on the machine's PostgreSQL server, captured by the
 * real Debezium PostgreSQL connector (pgoutput, an initial snapshot of the rows there before it
 * started, transaction metadata, walstream's commit-LSN transform) in a real Kafka Connect worker,
 * through {@code walstream ingest} (the packaged jar, in a child JVM) and the archiver, then
 * restored through the CLI into SQLite and PostgreSQL at the latest point and at earlier commit
 * LSNs (PostgreSQL's X/Y notation) and times, the snapshot's among them, each compared with the
 * source's own state at that point. The connector is restarted once, events it already sent
 * (snapshot rows too) are sent again, and the ingest is killed once: nothing lost, nothing
 * duplicated, nothing dead-lettered.
 */
class DebeziumPostgresIT {
  private static final Path JAR =
      Path.of(System.getProperty("walstream.jar", "target/walstream.jar")).toAbsolutePath();
  private static final int TRANSACTIONS = 120;
  private static final int SEED_TRANSACTIONS = 40;

  @TempDir Path dir;

  @Test
  void shouldRestoreTheSourceAtEveryCheckpointThroughConnectorRestartAndIngestKill()
      throws Exception {
    Postgres.require();
    requireLogicalDecoding();
    String id = "dbz" + UUID.randomUUID().toString().substring(0, 6);
    String sourceUrl = "jdbc:postgresql://127.0.0.1:5432/" + id + "?user=postgres";
    try (Connection admin = DriverManager.getConnection(Postgres.URL);
        Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + id);
    }
    try (Connection source = DriverManager.getConnection(sourceUrl)) {
      DebeziumWorkload.createTables(source);
      runPipeline(id, sourceUrl, source);
    } finally {
      dropSource(id);
    }
  }

  /** Debezium reads the WAL by logical decoding; .ci/run turns it on (a server restart). */
  private static void requireLogicalDecoding() throws Exception {
    try (Connection c = DriverManager.getConnection(Postgres.URL);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SHOW wal_level")) {
      rs.next();
      String level = rs.getString(1);
      if (!"logical".equals(level)) {
        String why = "PostgreSQL has wal_level = " + level + ", Debezium needs logical";
        if ("1".equals(System.getenv("WALSTREAM_REQUIRE_POSTGRES"))) {
          throw new AssertionError(why + " (.ci/run sets it)");
        }
        org.junit.jupiter.api.Assumptions.abort(why);
      }
    }
  }

  private void runPipeline(String id, String sourceUrl, Connection source) throws Exception {
    String bootstrap = KafkaBroker.bootstrapServers();
    Path archive = dir.resolve("archive");
    Map<String, Object> archiverSettings =
        TestArchiver.settings(bootstrap, archive, id, id + ".changes");
    DebeziumWorkload workload = new DebeziumWorkload(source, 42);
    List<DebeziumWorkload.Checkpoint> checkpoints = new ArrayList<>();
    Map<String, String> connector = connectorConfig(id);
    try (ConnectWorker worker = new ConnectWorker(bootstrap, dir.resolve("offsets"));
        ArchiverApp archiver = ArchiverApp.start(ArchiverConfig.parse(archiverSettings))) {
      workload.seed(SEED_TRANSACTIONS);
      worker.deploy(id, connector);
      awaitStreaming(worker, id, source);
      // Nothing ran since the snapshot: this is its state, at a position and time after it.
      checkpoints.add(workload.checkpoint());
      Process ingest = startIngest(bootstrap, id);
      try {
        for (int i = 0; i < TRANSACTIONS; i++) {
          if (i == TRANSACTIONS / 3) {
            workload.addColumn();
          }
          if (i == TRANSACTIONS / 2) {
            workload.truncateLedger();
          }
          if (i == 50) {
            worker.restart();
            worker.deploy(id, connector);
            awaitStreaming(worker, id, source);
            // A restarted worker may still be catching up: wait for what there is to send again.
            for (String topic : List.of(id + ".public.accounts", id + ".transaction")) {
              await(topic + " delivered")
                  .atMost(Duration.ofMinutes(2))
                  .pollInterval(Duration.ofMillis(500))
                  .until(() -> Redelivery.count(bootstrap, topic) >= 20);
            }
            Redelivery.resend(bootstrap, id + ".public.accounts", 10);
            Redelivery.resend(bootstrap, id + ".transaction", 6);
            Redelivery.resendFirst(bootstrap, id + ".public.accounts", 3);
          }
          if (i == 80) {
            ingest.destroyForcibly().waitFor();
            ingest = startIngest(bootstrap, id);
          }
          workload.transaction();
          if (i % 17 == 5) {
            checkpoints.add(workload.checkpoint());
          }
        }
        checkpoints.add(workload.checkpoint());
        String uri = archive.toUri().toString();
        java.nio.file.Files.writeString(
            Path.of("target", "debezium-it", id + "-samples.txt"),
            Redelivery.sample(bootstrap, id + ".transaction", 4)
                + Redelivery.sample(bootstrap, id + ".public.accounts", 2)
                + Redelivery.sample(bootstrap, id + ".public.ledger", 3));
        long expected = workload.events();
        await("the archive holds all " + expected + " row events")
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(2))
            .untilAsserted(
                () ->
                    assertThat(archivedRecords(uri))
                        .as(() -> topics(bootstrap, id))
                        .isEqualTo(expected));
        assertThat(
                archiver
                    .metrics()
                    .registry()
                    .find("walstream.archiver.records.skipped")
                    .tag("reason", "duplicate")
                    .counter()
                    .count())
            .as("events sent again were recognised as duplicates")
            .isPositive();
        restoreAndCompare(uri, checkpoints, id);
      } finally {
        ingest.destroy();
        ingest.waitFor();
      }
    }
    assertThat(Redelivery.count(bootstrap, id + ".ingest.dlq")).as("ingest dead letters").isZero();
    assertThat(Redelivery.count(bootstrap, id + ".dlq")).as("archiver dead letters").isZero();
  }

  private void restoreAndCompare(
      String uri, List<DebeziumWorkload.Checkpoint> checkpoints, String id) throws Exception {
    CapturedCli cli = new CapturedCli();
    DebeziumWorkload.Checkpoint latest = checkpoints.get(checkpoints.size() - 1);
    Path latestDb = dir.resolve("latest.db");
    restore(cli, uri, "--latest", "--output", latestDb.toString());
    assertSqlite(latestDb, latest, "latest");
    String schema = id + "_latest";
    restore(cli, uri, "--latest", "--jdbc", Postgres.URL, "--schema", schema);
    assertPostgres(schema, latest, "latest");
    DebeziumWorkload.Checkpoint snapshot = checkpoints.get(0);
    Path snapshotDb = dir.resolve("snapshot-by-time.db");
    restore(cli, uri, "--to", snapshot.time(), "--output", snapshotDb.toString());
    assertSqlite(snapshotDb, snapshot, "the snapshot, by time " + snapshot.time());
    Random random = new Random(7);
    for (int i = 0; i < checkpoints.size() - 1; i++) {
      DebeziumWorkload.Checkpoint point = checkpoints.get(i);
      // The snapshot's point by LSN; the others by LSN or time at random.
      boolean byLsn = i == 0 || random.nextBoolean();
      String what = byLsn ? "lsn " + point.lsn() : "time " + point.time();
      Path file = dir.resolve("point-" + i + ".db");
      restore(
          cli,
          uri,
          byLsn ? "--lsn" : "--to",
          byLsn ? point.lsn() : point.time(),
          "--output",
          file.toString());
      assertSqlite(file, point, what);
      if (i == checkpoints.size() / 2) {
        String pointSchema = id + "_p" + i;
        restore(cli, uri, "--lsn", point.lsn(), "--jdbc", Postgres.URL, "--schema", pointSchema);
        assertPostgres(pointSchema, point, "lsn " + point.lsn());
      }
    }
  }

  /** {@code walstream restore --archive URI --database shop} with a target and an output. */
  private static void restore(CapturedCli cli, String uri, String... targetAndOutput) {
    List<String> args = new ArrayList<>(List.of("restore", "--archive", uri, "--database", "shop"));
    args.addAll(List.of(targetAndOutput));
    run(cli, args.toArray(String[]::new));
  }

  private static void run(CapturedCli cli, String... args) {
    cli.clear();
    assertThat(cli.run(args)).as(() -> String.join(" ", args) + "\n" + cli.stderr()).isZero();
  }

  private static void assertSqlite(Path file, DebeziumWorkload.Checkpoint point, String what)
      throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      for (TableStates.Table t : DebeziumWorkload.TABLES) {
        assertThat(TableStates.restoredSqlite(c, t))
            .as("SQLite %s at %s", t.name(), what)
            .isEqualTo(point.state().get(t.name()));
      }
    }
  }

  private static void assertPostgres(String schema, DebeziumWorkload.Checkpoint point, String what)
      throws Exception {
    try (Connection c = DriverManager.getConnection(Postgres.URL)) {
      for (TableStates.Table t : DebeziumWorkload.TABLES) {
        assertThat(TableStates.restoredPostgres(c, schema, t))
            .as("PostgreSQL %s at %s", t.name(), what)
            .isEqualTo(point.state().get(t.name()));
      }
      try (Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA \"" + schema + "\" CASCADE");
      }
    }
  }

  /** Record counts of the pipeline's topics, for failure messages. */
  private static String topics(String bootstrap, String id) {
    StringBuilder sb = new StringBuilder("records per topic:");
    for (String t :
        List.of(
            id + ".public.accounts",
            id + ".public.ledger",
            id + ".transaction",
            id + ".changes",
            id + ".ingest.dlq",
            id + ".dlq")) {
      sb.append(' ').append(t).append('=').append(Redelivery.count(bootstrap, t));
    }
    return sb.toString();
  }

  private static long archivedRecords(String uri) {
    CapturedCli cli = new CapturedCli();
    if (cli.run("verify", "--archive", uri) != 0) {
      return -1;
    }
    Matcher m = Pattern.compile("(\\d+) records").matcher(cli.stdout());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static Map<String, String> connectorConfig(String id) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    c.put("tasks.max", "1");
    c.put("database.hostname", "127.0.0.1");
    c.put("database.port", "5432");
    c.put("database.user", "postgres");
    c.put("database.password", "");
    c.put("database.dbname", id);
    c.put("topic.prefix", id);
    c.put("plugin.name", "pgoutput");
    c.put("slot.name", id);
    c.put("publication.name", id + "_pub");
    c.put("publication.autocreate.mode", "filtered");
    c.put("table.include.list", "public\\..*");
    c.put("snapshot.mode", "initial");
    c.put("provide.transaction.metadata", "true");
    c.put("skipped.operations", "none");
    c.put("topic.creation.default.replication.factor", "1");
    c.put("topic.creation.default.partitions", "1");
    c.put("transforms", "commitlsn");
    c.put("transforms.commitlsn.type", CommitLsnHeader.class.getName());
    return c;
  }

  private static void awaitStreaming(ConnectWorker worker, String id, Connection source) {
    await("connector " + id + " streaming")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> worker.running(id) && slotActive(source, id));
  }

  private static boolean slotActive(Connection source, String slot) throws Exception {
    try (var s =
        source.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (var rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private Process startIngest(String bootstrap, String id) throws Exception {
    List<String> args =
        List.of(
            "ingest",
            "--bootstrap-servers",
            bootstrap,
            "--format",
            "debezium-json",
            "--topics-regex",
            id + "\\.public\\..*",
            "--transaction-topic",
            id + ".transaction",
            "--database",
            "shop",
            "--output-topic",
            id + ".changes",
            "--set",
            "ingest.dlq.topic=" + id + ".ingest.dlq",
            "--set",
            "application.id=" + id + "-ingest",
            "--set",
            "state.dir=" + dir.resolve("ingest-state"),
            "--set",
            "metrics.port=0",
            "--set",
            "commit.interval.ms=200");
    // Kept beside the build's reports, for a failure to be read.
    Path log = Path.of("target", "debezium-it", id + "-ingest-" + System.nanoTime() + ".log");
    java.nio.file.Files.createDirectories(log.getParent());
    return new ProcessBuilder(ChildJvm.jar(JAR, args))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static void dropSource(String id) throws Exception {
    try (Connection admin = DriverManager.getConnection(Postgres.URL);
        Statement s = admin.createStatement()) {
      s.execute(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
              + id
              + "' AND NOT active");
      s.execute("DROP DATABASE IF EXISTS " + id + " WITH (FORCE)");
    }
  }
}
