package io.walstream.cli.command;

import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.AnchorCheck;
import io.walstream.archive.verify.ArchiveReport;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.verify.StreamReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code walstream verify}: checks every chain, segment hash and order; needs no keys. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    header = "Verify the archive, or one database of it.",
    description =
        "Verify the archive: every chain (no holes, hash links), every segment (size, SHA-256, "
            + "record order and count), LSN and offset order. Uncommitted leftovers are reported but "
            + "are not errors. Needs no decryption keys. With --bootstrap-servers, also checks that "
            + "every stream's newest manifest published to the manifests topic is in the archive, byte "
            + "for byte: the archive alone cannot show that its newest manifests were removed or rolled "
            + "back.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:clean",
      "1:could not read the archive (or, with --bootstrap-servers, the manifests topic)",
      "2:usage error",
      "4:integrity findings"
    })
public final class VerifyCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin VerboseOption verbose;

  @Mixin ArchiveOption archive;

  @Mixin KeyOptions kek;

  @Option(names = "--database", description = "Only this database's streams.")
  String database;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Mixin AnchorOptions anchors;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // Parsed before the archive is read, so that a typo does not cost a whole verification.
    Duration timeout = anchors.timeout(spec.commandLine());
    try (ObjectStore store = archive.open()) {
      ChainVerifier verifier = new ChainVerifier(kek.reader(store));
      ArchiveReport report =
          database == null ? verifier.verifyAll() : verifier.verifyDatabase(database);
      int anchoredStreams = -1;
      if (anchors.given()) {
        AnchorCheck.Anchored anchored =
            new AnchorCheck(new ArchiveReader(store))
                .verify(report.streams(), anchors.read(timeout), database);
        report = report.withStreams(anchored.reports());
        anchoredStreams = anchored.streams();
      }
      boolean clean = report.clean();
      if (json) {
        Map<String, Object> out = toJson(report, clean);
        if (anchoredStreams >= 0) {
          out.put("anchoredStreams", anchoredStreams);
        }
        System.out.println(JsonOutput.write(out));
      } else {
        print(report, clean);
        if (anchoredStreams >= 0) {
          System.out.printf(
              "checked against the newest manifests of %d streams on topic %s%n",
              anchoredStreams, anchors.manifestsTopic);
        }
      }
      return (clean ? ExitCode.SUCCESS : ExitCode.INTEGRITY).code();
    }
  }

  private static void print(ArchiveReport report, boolean clean) {
    report.findings().forEach(System.out::println);
    System.out.printf(
        "%s: %d streams, %d segments, %d records, %d bytes verified%n",
        clean ? "CLEAN" : "FAILED",
        report.streams().size(),
        report.segments(),
        report.records(),
        report.bytes());
    if (!report.keyIds().isEmpty()) {
      System.out.printf(
          "encrypted: segments by data key id %s%s%n",
          report.keyIds(),
          report.undecodedSegments() == 0
              ? ", every record decrypted and checked"
              : "; the records of "
                  + report.undecodedSegments()
                  + " segments were not checked (no --kek given)");
    }
  }

  private static Map<String, Object> findingJson(Finding f) {
    return Map.of(
        "severity",
        f.severity().name(),
        "kind",
        f.kind().name(),
        "key",
        f.key(),
        "detail",
        f.detail());
  }

  private static Map<String, Object> toJson(ArchiveReport report, boolean clean) {
    List<Map<String, Object>> streams = new ArrayList<>();
    for (StreamReport r : report.streams()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("database", r.stream().database());
      s.put("topic", r.stream().topic());
      s.put("partition", r.stream().partition());
      s.put("clean", r.clean());
      s.put("manifests", r.manifests());
      s.put("segments", r.segments());
      s.put("records", r.records());
      s.put("bytes", r.bytes());
      s.put("undecodedSegments", r.undecodedSegments());
      s.put("keyIds", keyIds(r.keyIds()));
      s.put("findings", r.findings().stream().map(VerifyCommand::findingJson).toList());
      streams.add(s);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("clean", clean);
    out.put(
        "databaseFindings",
        report.databaseFindings().stream().map(VerifyCommand::findingJson).toList());
    out.put("streams", streams);
    out.put("keyIds", keyIds(report.keyIds()));
    out.put("undecodedSegments", report.undecodedSegments());
    return out;
  }

  /** Data key ids and the segments using each, keyed by the id in decimal. */
  private static Map<String, Long> keyIds(java.util.SortedMap<Long, Long> ids) {
    Map<String, Long> out = new LinkedHashMap<>();
    ids.forEach((id, n) -> out.put(Long.toString(id), n));
    return out;
  }
}
