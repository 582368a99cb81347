package io.walstream.cli.demo;

import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archive.verify.Anchor;
import io.walstream.archive.verify.AnchorCheck;
import io.walstream.archive.verify.ArchiveReport;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.cli.local.LocalBroker;
import io.walstream.restorer.service.RestoreClient;
import io.walstream.restorer.service.RestoreService;
import io.walstream.restorer.service.RestoreServiceConfig;
import io.walstream.restorer.verify.PublishedManifests;
import io.walstream.restorer.verify.VerifiedArchive;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.error.WalstreamException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system on one machine: a local broker, the archiver and the restore service; a
 * realistic workload published through the normal producer path; two restores requested through the
 * command topic and checked against the state the demo computed itself; {@code verify} on the
 * archive; and a summary. Every check must pass for {@link #run} to return true.
 */
public final class Demo implements AutoCloseable {
  static final String CHANGES = "walstream.changes";
  static final String DLQ = "walstream.dlq";
  static final String MANIFESTS = "walstream.manifests";

  private final DemoDirectory dir;
  private final PrintStream out;
  private final long started = System.nanoTime();
  private final List<String> failures = new ArrayList<>();
  private final Security security;
  private DemoKeys keys;
  private LocalBroker broker;
  private ArchiverApp archiver;
  private RestoreService service;

  /** Whether the archive is encrypted and its manifests signed. */
  public enum Security {
    /** Plaintext segments, unsigned manifests. */
    PLAINTEXT,
    /** Segments encrypted under a KEK made for the demo, manifests and catalog signed. */
    ENCRYPTED_AND_SIGNED
  }

  public Demo(DemoDirectory dir, PrintStream out) {
    this(dir, out, Security.PLAINTEXT);
  }

  public Demo(DemoDirectory dir, PrintStream out, Security security) {
    this.dir = dir;
    this.out = out;
    this.security = security;
  }

  /** Runs the demo; true when every check passed. */
  public boolean run() throws Exception {
    step("Starting a Kafka broker (KRaft, single node)");
    broker =
        LocalBroker.start(dir.kafka(), freePort(), freePort(), dir.logs().resolve("broker.log"));
    done("at " + broker.bootstrapServers());
    if (security == Security.ENCRYPTED_AND_SIGNED) {
      step("Creating a key-encryption key, the archive's keyset and a signing key");
      try (ObjectStore store = ObjectStores.open(dir.archive().toUri().toString())) {
        keys = DemoKeys.create(dir.root().resolve("keys"), store);
      }
      done("data key " + keys.primaryKeyId() + ", in " + keys.kek().getParent());
    }
    step("Starting the archiver and the restore service");
    archiver = ArchiverApp.start(ArchiverConfig.parse(archiverSettings()));
    service = RestoreService.start(RestoreServiceConfig.parse(serviceSettings()));
    done("archive " + dir.archive());

    DemoWorkload workload = new DemoWorkload(2026, 1500, 300);
    step("Publishing change records for databases shop and crm, plus 3 malformed ones");
    DemoPublisher.Published published =
        DemoPublisher.publish(broker.bootstrapServers(), CHANGES, workload);
    done(published.valid() + " records in " + published.transactions() + " transactions");

    step("Waiting until everything is archived");
    Map<String, Long> archived =
        awaitArchived(
            Map.of("shop", (long) workload.shop().size(), "crm", (long) workload.crm().size()));
    done(archived.toString());
    Map<String, Long> deadLetters = DemoPublisher.deadLetters(broker.bootstrapServers(), DLQ, 3);

    List<DemoRestore.Outcome> restores = restore(workload.shop());
    ArchiveReport verified = verify();
    if (!verified.clean()) {
      failures.add("verify found problems: " + verified.errors());
    }
    if (deadLetters.values().stream().mapToLong(Long::longValue).sum() != 3) {
      failures.add("expected 3 dead letters, found " + deadLetters);
    }
    new DemoSummary(out, dir)
        .print(
            archived,
            deadLetters,
            restores,
            verified,
            failures,
            (System.nanoTime() - started) / 1e9);
    return failures.isEmpty();
  }

  /** Verifies the archive (with the demo's keys when encrypted) and checks the manifests topic. */
  private ArchiveReport verify() {
    ArchiveReport verified;
    try (ObjectStore store = ObjectStores.open(dir.archive().toUri().toString())) {
      verified =
          new ChainVerifier(keys == null ? new ArchiveReader(store) : keys.reader(store))
              .verifyAll();
      if (keys != null && verified.undecodedSegments() > 0) {
        failures.add(verified.undecodedSegments() + " encrypted segments were not decrypted");
      }
      if (keys != null && !verified.keyIds().containsKey(keys.primaryKeyId())) {
        failures.add("no segment is encrypted under data key " + keys.primaryKeyId());
      }
      checkAgainstManifestsTopic(new ArchiveReader(store));
    }
    return verified;
  }

  /**
   * What {@code verify --bootstrap-servers} checks: every stream's newest manifest on the manifests
   * topic is in the archive, byte for byte.
   */
  private void checkAgainstManifestsTopic(ArchiveReader reader) {
    step("Checking the archive against the manifests topic");
    Collection<Anchor> anchors =
        PublishedManifests.read(
            Map.of("bootstrap.servers", broker.bootstrapServers()),
            MANIFESTS,
            Duration.ofSeconds(30));
    AnchorCheck check = new AnchorCheck(reader);
    List<Finding> findings = new ArrayList<>();
    anchors.forEach(anchor -> findings.addAll(check.check(anchor)));
    if (findings.isEmpty() && !anchors.isEmpty()) {
      done("the newest published manifest of each of " + anchors.size() + " streams is there");
    } else {
      done("problems");
      failures.add(
          "the archive differs from the manifests topic ("
              + anchors.size()
              + " streams published): "
              + findings);
    }
  }

  private List<DemoRestore.Outcome> restore(List<ChangeRecord> shop) throws Exception {
    long middle = shop.get(shop.size() / 2).getLsn();
    RestoreClient client =
        new RestoreClient(
            Map.of("bootstrap.servers", broker.bootstrapServers()),
            "walstream.restore.commands",
            "walstream.restore.status");
    DemoRestore restore = new DemoRestore(client, dir, out);
    List<DemoRestore.Outcome> outcomes = new ArrayList<>();
    outcomes.add(restore.run("shop", middle, DemoModel.expected(shop, middle)));
    outcomes.add(restore.run("shop", null, DemoModel.expected(shop, Long.MAX_VALUE)));
    for (DemoRestore.Outcome o : outcomes) {
      if (!o.matches()) {
        failures.add("restore " + o.describe() + ": " + o.problem());
      }
    }
    return outcomes;
  }

  private Map<String, Long> awaitArchived(Map<String, Long> expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Map<String, Long> archived = new HashMap<>();
    try (ObjectStore store = ObjectStores.open(dir.archive().toUri().toString())) {
      // Counted from the manifests only: the segments are verified once, at the end.
      VerifiedArchive archive = new VerifiedArchive(new ArchiveReader(store));
      while (true) {
        String inProgress = null;
        for (String database : expected.keySet()) {
          try {
            archived.put(
                database,
                archive.chains(database).stream()
                    .flatMap(chain -> chain.manifests().stream())
                    .mapToLong(m -> m.manifest().recordCount())
                    .sum());
          } catch (io.walstream.archive.error.IntegrityException e) {
            // While the archiver runs, a stream may be caught between its catalog entry and its
            // first manifest; the final verify, once everything is archived, judges the archive.
            inProgress = e.getMessage();
          }
        }
        if (inProgress == null && archived.equals(expected)) {
          return new java.util.TreeMap<>(archived);
        }
        if (System.nanoTime() > deadline) {
          throw new WalstreamException(
              "Cannot finish the demo: after 90 s the archive holds "
                  + archived
                  + " of "
                  + expected
                  + (inProgress == null ? "" : "; " + inProgress));
        }
        if (archiver.failure() != null) {
          throw new WalstreamException("The archiver failed: " + archiver.failure());
        }
        Thread.sleep(250);
      }
    }
  }

  private Map<String, Object> archiverSettings() {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", broker.bootstrapServers());
    m.put(ArchiverConfig.ARCHIVE_URI, dir.archive().toUri().toString());
    m.put(ArchiverConfig.SEGMENT_MAX_RECORDS, "500");
    m.put(ArchiverConfig.SEGMENT_MAX_AGE_MS, "500");
    m.put(ArchiverConfig.METRICS_PORT, "-1");
    m.put(ArchiverConfig.MANIFESTS_TOPIC, MANIFESTS);
    m.put("application.id", "walstream-demo-archiver");
    m.put("state.dir", dir.root().resolve("state").toString());
    if (keys != null) {
      m.put(ArchiverConfig.ENCRYPTION_KEK, keys.kek().toString());
      m.put(ArchiverConfig.SIGNING_KEY, keys.signingKey().toString());
    }
    return m;
  }

  private Map<String, Object> serviceSettings() {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", broker.bootstrapServers());
    m.put(RestoreServiceConfig.ARCHIVE_URI, dir.archive().toUri().toString());
    m.put(RestoreServiceConfig.SQLITE_ALLOWED_DIRS, dir.restores().toString());
    m.put(RestoreServiceConfig.PROGRESS_INTERVAL_MS, "200");
    m.put(RestoreServiceConfig.METRICS_PORT, "-1");
    if (keys != null) {
      m.put(RestoreServiceConfig.ENCRYPTION_KEK, keys.kek().toString());
      m.put(RestoreServiceConfig.SIGNING_PUBLIC_KEY, keys.publicKey().toString());
    }
    return m;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void step(String what) {
    out.print("• " + what + " … ");
    out.flush();
  }

  private void done(String detail) {
    out.println("done (" + detail + ")");
  }

  /** Stops the restore service, the archiver and the broker; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (service != null) {
      service.close();
      service = null;
    }
    if (archiver != null) {
      archiver.close(Duration.ofSeconds(30));
      archiver = null;
    }
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }
}
