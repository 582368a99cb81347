package io.walstream.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.Batch;
import io.walstream.archive.writer.CommitResult;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChainVerifierTest {

  static Path fixtures() throws URISyntaxException {
    return Path.of(ChainVerifierTest.class.getResource("/corruption").toURI());
  }

  static Stream<String> scenarios() throws IOException, URISyntaxException {
    try (Stream<Path> folders = Files.list(fixtures())) {
      return folders.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  @Test
  void shouldHaveEveryScenarioOfTheIssue() throws Exception {
    assertThat(scenarios())
        .contains(
            "clean",
            "flipped-byte-in-segment",
            "truncated-segment",
            "removed-middle-manifest",
            "removed-segment",
            "edited-manifest-field",
            "reordered-seq",
            "unknown-format-version",
            "gap-inside-window",
            "deleted-stream-index-entry",
            "deleted-partition-entry-and-flipped-segment",
            "wholly-deleted-stream",
            "rolled-back-catalog-entry",
            "deleted-catalog-entry",
            "incomplete-transaction",
            "skipped-txindex");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void shouldReportExactlyTheExpectedFindingsForEachCorruptionFixture(String scenario)
      throws Exception {
    Path folder = fixtures().resolve(scenario);
    List<String> expected =
        Files.readAllLines(folder.resolve("expected-findings.txt"), StandardCharsets.UTF_8).stream()
            .filter(line -> !line.isBlank())
            .toList();

    // The whole archive, as `walstream verify` checks it: catalogs, index entries and chains.
    ArchiveReport report =
        new ChainVerifier(new FileSystemObjectStore(folder.resolve("archive"))).verifyAll();

    List<String> found =
        report.findings().stream()
            .filter(f -> f.severity() != Finding.Severity.INFO)
            .map(f -> f.kind() + " " + f.key())
            .toList();
    assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(report.clean())
        .isEqualTo(
            expected.stream().allMatch(l -> l.startsWith("GAP ") || l.startsWith("INCOMPLETE_")));
    report.findings().forEach(f -> assertThat(f.detail()).isNotBlank());
  }

  @Test
  void shouldReportLeftoversAsInformationOnly() throws Exception {
    Path archive = fixtures().resolve("leftover-uncommitted-segment/archive");

    StreamReport report =
        new ChainVerifier(new FileSystemObjectStore(archive)).verify(CorruptionFixtures.STREAM);

    assertThat(report.clean()).isTrue();
    assertThat(report.findings())
        .singleElement()
        .satisfies(f -> assertThat(f.kind()).isEqualTo(Finding.Kind.UNCOMMITTED_SEGMENT));
    assertThat(report.manifests()).isEqualTo(5);
    assertThat(report.segments()).isEqualTo(5);
    assertThat(report.records()).isEqualTo(30);
    assertThat(report.firstLsn()).isEqualTo(100);
    assertThat(report.lastLsn()).isEqualTo(109);
  }

  @Test
  void shouldVerifyEveryStreamOfTheArchiveFromItsIndex() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    ArchiveWriter writer = new ArchiveWriter(store, "w");
    for (String database : List.of("shop", "billing")) {
      for (int partition = 0; partition < 2; partition++) {
        StreamId stream = new StreamId(database, "walstream.changes", partition);
        writer.commit(
            writer.loadHead(stream), Records.batch(Records.transactions(database, 1, 1, 2), 0));
      }
    }

    ArchiveReport report = new ChainVerifier(store).verifyAll();

    assertThat(report.findings()).isEmpty();
    assertThat(report.streams()).hasSize(4);
    assertThat(new ChainVerifier(store).verifyDatabase("billing").streams())
        .extracting(r -> r.stream().database())
        .containsExactly("billing", "billing");
  }

  @Property(tries = 40)
  void shouldVerifyCleanWhenAnyChainIsWrittenByTheWriter(
      @ForAll @Size(min = 1, max = 12)
          List<@IntRange(min = 1, max = 4) Integer> transactionsPerBatch,
      @ForAll @IntRange(min = 1, max = 5) int recordsPerTransaction) {
    InMemoryObjectStore store = new InMemoryObjectStore();
    ArchiveWriter writer = new ArchiveWriter(store, "w");
    StreamId stream = new StreamId("db", "topic", 7);
    StreamHead head = writer.loadHead(stream);
    long lsn = 1;
    long records = 0;
    for (int transactions : transactionsPerBatch) {
      Batch batch =
          Records.batch(
              Records.transactions("db", lsn, transactions, recordsPerTransaction),
              head.lastSourceOffset() + 1);
      head = ((CommitResult.Committed) writer.commit(head, batch)).head();
      lsn += transactions;
      records += (long) transactions * recordsPerTransaction;
    }

    StreamReport report = new ChainVerifier(store).verify(stream);

    assertThat(report.findings()).isEmpty();
    assertThat(report.records()).isEqualTo(records);
    assertThat(report.lastSeq()).isEqualTo(transactionsPerBatch.size() - 1);
    assertThat(writer.loadHead(stream)).isEqualTo(head);
  }
}
