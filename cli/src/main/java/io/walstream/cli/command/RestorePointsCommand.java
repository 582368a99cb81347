package io.walstream.cli.command;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Retention;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.verify.TransactionScan;
import io.walstream.restorer.plan.Gap;
import io.walstream.restorer.plan.RestorableWindow;
import io.walstream.restorer.plan.RestorePlanner;
import io.walstream.restorer.plan.RestoreWindow;
import io.walstream.restorer.plan.StreamChain;
import io.walstream.restorer.verify.VerifiedArchive;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.value.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walstream restore-points}: what each database can be restored to. */
@Command(
    name = "restore-points",
    mixinStandardHelpOptions = true,
    header = "Show what each database in the archive can be restored to.",
    description =
        "Show, per database, the restorable window (LSN and commit time), the windows between "
            + "recorded gaps (only the first restores exactly; later ones need --accept-gaps), each gap "
            + "(stream, seq, missing source offsets, where it falls), the incomplete transactions every "
            + "restore leaves out (this reads every segment), streams, segments, bytes and chain "
            + "problems, and the snapshots restores can start from (LSN, time, rows, bytes).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "1:could not read the archive", "2:usage error"})
public final class RestorePointsCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin VerboseOption verbose;

  @Mixin ArchiveOption archive;

  @Option(names = "--database", description = "Only this database.")
  String database;

  @picocli.CommandLine.Mixin KeyOptions kek;

  @Option(names = "--json", description = "Print as JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (ObjectStore store = archive.open()) {
      ArchiveReader reader = kek.reader(store);
      VerifiedArchive verified = new VerifiedArchive(reader);
      List<String> databases = database == null ? reader.databases() : List.of(database);
      List<Map<String, Object>> out = new ArrayList<>();
      for (String db : databases) {
        out.add(describe(db, verified, new TransactionScan(store, reader.keys())));
      }
      if (json) {
        System.out.println(JsonOutput.write(out));
      } else {
        out.forEach(RestorePointsCommand::print);
        if (out.isEmpty()) {
          System.out.println("The archive holds no databases.");
        }
      }
      return ExitCode.SUCCESS.code();
    }
  }

  private static Map<String, Object> describe(
      String database, VerifiedArchive verified, TransactionScan scan) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("database", database);
    List<String> problems = new ArrayList<>();
    List<StreamChain> chains;
    Retention retention = null;
    try {
      retention = verified.reader().retention(database).orElse(null);
      chains = verified.chains(database, retention);
    } catch (WalstreamException e) {
      chains = List.of();
      problems.add(e.getMessage());
    }
    RestoreWindow window =
        retention == null
            ? RestorePlanner.window(chains)
            : RestorePlanner.window(chains).from(retention.snapshot());
    List<Gap> gaps = RestorePlanner.gaps(chains);
    List<Manifest.Segment> segments =
        chains.stream()
            .flatMap(c -> c.manifests().stream())
            .map(StoredManifest::manifest)
            .filter(Manifest.Segment.class::isInstance)
            .map(Manifest.Segment.class::cast)
            .toList();
    d.put("window", window.toString());
    d.put("earliestLsn", window.earliestLsn());
    d.put("latestLsn", window.latestLsn());
    d.put(
        "windows",
        RestorableWindow.between(window, gaps).stream()
            .map(RestorePointsCommand::windowJson)
            .toList());
    d.put("streams", chains.size());
    d.put("segments", segments.size());
    d.put("bytes", segments.stream().mapToLong(m -> m.segment().byteSize()).sum());
    d.put("gaps", gaps.stream().map(RestorePointsCommand::gapJson).toList());
    d.put("snapshots", snapshots(database, verified, problems));
    d.put("retention", retention == null ? null : retentionJson(retention));
    long through = retention == null ? -1 : retention.snapshot().lsn();
    List<Finding> incomplete =
        problems.isEmpty()
            ? scan.scan(database, chains.stream().map(StreamChain::manifests).toList(), through)
            : List.of();
    d.put(
        "incompleteTransactions",
        incomplete.stream().map(f -> Map.of("key", f.key(), "detail", f.detail())).toList());
    d.put("problems", problems);
    return d;
  }

  private static Map<String, Object> retentionJson(Retention r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("record", r.key());
    m.put("oldestSnapshot", r.snapshot().key());
    m.put("oldestLsn", r.snapshot().lsn());
    m.put("oldestTime", Values.formatTimestamp(Values.fromMicros(r.snapshot().maxCommitTime())));
    m.put(
        "text",
        "restore points before snapshot lsn "
            + r.snapshot().lsn()
            + " were expired by retention ("
            + r.key()
            + ")");
    return m;
  }

  private static Map<String, Object> windowJson(RestorableWindow w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("afterLsn", w.afterLsn());
    m.put("fromLsn", w.fromLsn());
    m.put("toLsn", w.toLsn());
    m.put("toCommitTime", Values.formatTimestamp(Values.fromMicros(w.toCommitMicros())));
    m.put("exact", w.exact());
    m.put("gapsCrossed", w.gapsBefore().size());
    m.put("text", w.toString());
    return m;
  }

  private static Map<String, Object> gapJson(Gap g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stream", g.stream().toString());
    m.put("seq", g.seq());
    m.put("key", g.key());
    m.put("firstMissingOffset", g.firstMissingOffset());
    m.put("lastMissingOffset", g.lastMissingOffset());
    m.put("afterLsn", g.afterLsn());
    m.put(
        "afterCommitTime",
        g.afterCommitMicros() == null
            ? null
            : Values.formatTimestamp(Values.fromMicros(g.afterCommitMicros())));
    m.put("text", g.toString());
    return m;
  }

  private static void print(Map<String, Object> d) {
    System.out.printf(
        "%s: %s; %s streams, %s segments, %s bytes%n",
        d.get("database"), d.get("window"), d.get("streams"), d.get("segments"), d.get("bytes"));
    for (Object w : (List<?>) d.get("windows")) {
      System.out.println("  window " + ((Map<?, ?>) w).get("text"));
    }
    for (Object snapshot : (List<?>) d.get("snapshots")) {
      Map<?, ?> m = (Map<?, ?>) snapshot;
      System.out.printf(
          "  SNAPSHOT lsn %s (%s): %s rows, %s bytes, %s%n",
          m.get("lsn"), m.get("commitTime"), m.get("rows"), m.get("bytes"), m.get("key"));
    }
    if (d.get("retention") instanceof Map<?, ?> r) {
      System.out.println("  RETAINED " + r.get("text"));
    }
    for (Object gap : (List<?>) d.get("gaps")) {
      System.out.println("  GAP " + ((Map<?, ?>) gap).get("text"));
    }
    for (Object incomplete : (List<?>) d.get("incompleteTransactions")) {
      System.out.println("  INCOMPLETE " + ((Map<?, ?>) incomplete).get("detail"));
    }
    for (Object problem : (List<?>) d.get("problems")) {
      System.out.println("  PROBLEM " + problem);
    }
  }

  /** The database's snapshots as JSON objects; a snapshot that does not read is a problem. */
  private static List<Map<String, Object>> snapshots(
      String database, VerifiedArchive verified, List<String> problems) {
    try {
      return new Snapshots(verified.reader())
          .list(database).stream().map(SnapshotText::json).toList();
    } catch (WalstreamException e) {
      problems.add(e.getMessage());
      return List.of();
    }
  }
}
