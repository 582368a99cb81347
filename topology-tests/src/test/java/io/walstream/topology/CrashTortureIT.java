package io.walstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.Anchor;
import io.walstream.archive.verify.AnchorCheck;
import io.walstream.archive.verify.ArchiveReport;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.restorer.verify.PublishedManifests;
import io.walstream.schemas.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archivers in their own JVMs SIGKILLed at random moments while a producer publishes transactions
 * of several databases over several partitions (with bad records mixed in); then every published
 * offset must be accounted for, the chains must verify, and restores to random points must equal an
 * independent model.
 */
class CrashTortureIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String topic = "torture-" + suffix;

  private Map<String, Object> settings(String applicationId, String dlq) {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", KafkaBroker.bootstrapServers());
    m.put("application.id", applicationId);
    m.put(ArchiverConfig.ARCHIVE_URI, dir.resolve("archive").toUri().toString());
    m.put(ArchiverConfig.INPUT_TOPICS, topic);
    m.put(ArchiverConfig.DLQ_TOPIC, dlq);
    m.put(ArchiverConfig.MANIFESTS_TOPIC, "manifests-" + suffix);
    m.put(ArchiverConfig.SEGMENT_MAX_RECORDS, "150");
    m.put(ArchiverConfig.SEGMENT_MAX_AGE_MS, "300");
    m.put(ArchiverConfig.METRICS_PORT, "-1");
    m.put("commit.interval.ms", "300");
    m.put("session.timeout.ms", "6000");
    m.put("state.dir", dir.resolve("state-" + applicationId).toString());
    return m;
  }

  /**
   * Every manifest a committed Kafka transaction published is in the archive, byte for byte: no
   * crash may publish a manifest the archive does not keep.
   */
  private void assertHoldsEveryPublishedManifest(ObjectStore store) {
    Collection<Anchor> anchors =
        PublishedManifests.read(
            Map.of("bootstrap.servers", KafkaBroker.bootstrapServers()),
            "manifests-" + suffix,
            Duration.ofSeconds(60));
    assertThat(anchors).isNotEmpty();
    AnchorCheck check = new AnchorCheck(new ArchiveReader(store));
    assertThat(anchors).allSatisfy(a -> assertThat(check.check(a)).as(a.toString()).isEmpty());
  }

  @Test
  void shouldLoseNothingAndDuplicateNothingWhenArchiversAreKilledAtRandom() throws Exception {
    int kills = Report.soak(20);
    KafkaBroker.createTopics(3, topic);
    String dlq = "dlq-" + suffix;
    Map<String, Object> settings = settings("torture-" + suffix, dlq);
    Ledger ledger = new Ledger();
    Random random = new Random(42);
    try (Publisher publisher =
        new Publisher(
                KafkaBroker.bootstrapServers(), topic, new TortureWorkload(7, 5, 0.02), ledger, 400)
            .start()) {
      for (int i = 0; i < kills; i++) {
        ForkedArchiver archiver = ForkedArchiver.start(settings, dir, "archiver-" + i);
        // A random moment, from right after the JVM starts to well into processing.
        ledger.awaitMorePublished(100 + random.nextInt(1200));
        archiver.kill();
      }
    }
    Ledger.Balance balance = settle(ledger, List.of(settings), List.of(dlq)).get(0);
    ArchiveReport reports;
    try (ObjectStore store = new FileSystemObjectStore(dir.resolve("archive"))) {
      reports = new ChainVerifier(store).verifyAll();
      assertHoldsEveryPublishedManifest(store);
      int mismatches = Oracle.mismatches(store, ledger.validRecords(), dir, 3, 11);
      assertThat(mismatches).as("restores that differ from the model").isZero();
    }
    Report.row(
        "archiver SIGKILLed at random",
        1,
        kills + " SIGKILLs",
        balance.published(),
        balance.lost(),
        balance.duplicated(),
        "-");

    assertThat(balance.balanced()).as(balance.toString()).isTrue();
    assertThat(balance.published()).isGreaterThan(1000);
    assertThat(ledger.badCount()).isPositive();
    assertThat(reports.errors()).as("verify").isEmpty();
  }

  @Test
  void shouldKeepOneLinearChainWhenTwoArchiversRaceAndAreKilled() throws Exception {
    int kills = Report.soak(6);
    KafkaBroker.createTopics(3, topic);
    Map<String, Object> a = settings("racer-a-" + suffix, "dlq-a-" + suffix);
    Map<String, Object> b = settings("racer-b-" + suffix, "dlq-b-" + suffix);
    Ledger ledger = new Ledger();
    Random random = new Random(43);
    try (Publisher publisher =
        new Publisher(
                KafkaBroker.bootstrapServers(), topic, new TortureWorkload(8, 3, 0.02), ledger, 400)
            .start()) {
      ForkedArchiver left = ForkedArchiver.start(a, dir, "racer-a-0");
      ForkedArchiver right = ForkedArchiver.start(b, dir, "racer-b-0");
      for (int i = 1; i <= kills; i++) {
        ledger.awaitMorePublished(400 + random.nextInt(800));
        if (i % 2 == 0) {
          left.kill();
          left = ForkedArchiver.start(a, dir, "racer-a-" + i);
        } else {
          right.kill();
          right = ForkedArchiver.start(b, dir, "racer-b-" + i);
        }
      }
      left.kill();
      right.kill();
    }
    List<Ledger.Balance> balances =
        settle(ledger, List.of(a, b), List.of("dlq-a-" + suffix, "dlq-b-" + suffix));
    Ledger.Balance balanceA = balances.get(0);
    Ledger.Balance balanceB = balances.get(1);
    try (ObjectStore store = new FileSystemObjectStore(dir.resolve("archive"))) {
      assertThat(new ChainVerifier(store).verifyAll().errors()).isEmpty();
      assertHoldsEveryPublishedManifest(store);
    }
    Report.row(
        "two archivers racing, SIGKILLed in turn",
        1,
        kills + " SIGKILLs",
        balanceA.published(),
        balanceA.lost() + balanceB.lost(),
        balanceA.duplicated() + balanceB.duplicated(),
        "-");

    assertThat(balanceA.balanced()).as(balanceA.toString()).isTrue();
    assertThat(balanceB.balanced()).as(balanceB.toString()).isTrue();
  }

  /**
   * Runs clean archivers (one per settings) until the ledger balances against the archive and each
   * of the dead-letter topics, then kills them; the final balances, one per dead-letter topic.
   */
  private List<Ledger.Balance> settle(
      Ledger ledger, List<Map<String, Object>> all, List<String> dlqs) throws Exception {
    List<ForkedArchiver> finals = new ArrayList<>();
    int n = 0;
    for (Map<String, Object> s : all) {
      finals.add(ForkedArchiver.start(s, dir, "final-" + n++).awaitStarted());
    }
    try (ObjectStore store = new FileSystemObjectStore(dir.resolve("archive"))) {
      try {
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> balances(ledger, store, dlqs).stream().allMatch(Ledger.Balance::balanced));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // The assertions on the balances below say what is missing.
      }
      return balances(ledger, store, dlqs);
    } finally {
      for (ForkedArchiver f : finals) {
        f.kill();
      }
    }
  }

  private static List<Ledger.Balance> balances(
      Ledger ledger, ObjectStore store, List<String> dlqs) {
    return dlqs.stream().map(d -> ledger.balance(store, DeadLetters.read(d))).toList();
  }
}
