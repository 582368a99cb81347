package io.walstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.cli.local.LocalBroker;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker restarted mid-stream, and the archiver's group rebalanced by adding and removing
 * instances, while a producer publishes: the ledger must still balance. Runs on its own broker
 * process (the one {@code walstream broker} runs), so the shared test broker is not disturbed.
 */
class BrokerFaultIT {
  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Map<String, Object> settings(String bootstrap, String instance) {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", bootstrap);
    m.put("application.id", "broker-faults");
    m.put(ArchiverConfig.ARCHIVE_URI, dir.resolve("archive").toUri().toString());
    m.put(ArchiverConfig.INPUT_TOPICS, "changes");
    m.put(ArchiverConfig.SEGMENT_MAX_RECORDS, "100");
    m.put(ArchiverConfig.SEGMENT_MAX_AGE_MS, "300");
    m.put(ArchiverConfig.METRICS_PORT, "-1");
    m.put("commit.interval.ms", "300");
    m.put("session.timeout.ms", "6000");
    m.put("state.dir", dir.resolve("state-" + instance).toString());
    return m;
  }

  @Test
  void shouldBalanceTheLedgerWhenTheBrokerRestartsAndTheGroupRebalances() throws Exception {
    int port = freePort();
    int controller = freePort();
    Path kafka = dir.resolve("kafka");
    LocalBroker broker = LocalBroker.start(kafka, port, controller, dir.resolve("broker.log"));
    String bootstrap = broker.bootstrapServers();
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      admin.createTopics(java.util.List.of(new NewTopic("changes", 3, (short) 1))).all().get();
    }
    Ledger ledger = new Ledger();
    ArchiverApp first = ArchiverApp.start(ArchiverConfig.parse(settings(bootstrap, "a")));
    ArchiverApp second = null;
    int restarts = Report.soak(1);
    try (Publisher publisher =
        new Publisher(bootstrap, "changes", new TortureWorkload(21, 4, 0.02), ledger, 300)
            .start()) {
      ledger.awaitMorePublished(900);
      for (int i = 0; i < restarts; i++) {
        broker.close();
        broker = LocalBroker.start(kafka, port, controller, dir.resolve("broker.log"));
        ledger.awaitMorePublished(900);
      }
      second = ArchiverApp.start(ArchiverConfig.parse(settings(bootstrap, "b")));
      ledger.awaitMorePublished(1200);
      first.close(Duration.ofSeconds(30));
      ledger.awaitMorePublished(900);
    }
    try (ObjectStore store = new FileSystemObjectStore(dir.resolve("archive"))) {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> ledger.balance(store, DeadLetters.read(bootstrap, "walstream.dlq")).balanced());
      Ledger.Balance balance = ledger.balance(store, DeadLetters.read(bootstrap, "walstream.dlq"));
      Report.row(
          "broker restarted mid-stream; group rebalanced (instance added, one removed)",
          1,
          restarts + " broker restart(s), 2 rebalances",
          balance.published(),
          balance.lost(),
          balance.duplicated(),
          "-");
      assertThat(balance.balanced()).as(balance.toString()).isTrue();
      assertThat(new ChainVerifier(store).verifyAll().errors()).isEmpty();
    } finally {
      if (second != null) {
        second.close(Duration.ofSeconds(30));
      }
      first.close(Duration.ofSeconds(30));
      broker.close();
    }
  }
}
