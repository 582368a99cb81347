package io.walstream.cli.command;

import io.walstream.archive.format.Retention;
import io.walstream.archive.retention.Expiry;
import io.walstream.archive.retention.RetentionPlan;
import io.walstream.archive.retention.RetentionPlan.DatabasePlan;
import io.walstream.archive.retention.RetentionPlan.RecordStep;
import io.walstream.schemas.value.Values;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@code walstream retention} prints a plan and what it did. */
final class RetentionText {
  private RetentionText() {}

  static void print(RetentionPlan plan, boolean applied, List<Expiry> deleted) {
    for (DatabasePlan db : plan.databases()) {
      print(plan, db, applied);
    }
    long bytes =
        (applied ? deleted.stream() : plan.databases().stream().flatMap(d -> d.delete().stream()))
            .mapToLong(Expiry::size)
            .sum();
    long held = plan.databases().stream().mapToLong(d -> d.held().size()).sum();
    System.out.printf(
        "%s %d objects, %d bytes; kept %d for now%s%n",
        applied ? "Deleted" : "Would delete",
        applied
            ? deleted.size()
            : plan.databases().stream().mapToLong(d -> d.delete().size()).sum(),
        bytes,
        held,
        applied ? "." : "; rerun with --apply to carry it out.");
  }

  private static void print(RetentionPlan plan, DatabasePlan db, boolean applied) {
    String verb = applied ? "deleted" : "would delete";
    if (db.skipped() != null) {
      System.out.println("LEFT ALONE " + db.database() + ": " + db.skipped());
      return;
    }
    if (db.step() == RecordStep.NONE) {
      System.out.println(db.database() + ": " + plan.policy().describe() + " keeps everything");
      return;
    }
    System.out.printf(
        "%s: oldest restore point %s%s%n",
        db.database(),
        point(db.record()),
        db.step() == RecordStep.WRITE
            ? (applied ? " (new; stored " : " (new; would store ") + db.record().key() + ")"
            : " (unchanged)");
    db.perStream()
        .forEach(
            (stream, t) ->
                System.out.printf(
                    "  stream %s: %s %d manifests and %d segments, %d bytes, below seq %d%n",
                    stream,
                    verb,
                    t.manifests(),
                    t.segments(),
                    t.bytes(),
                    db.record().firstSeq(stream)));
    long other =
        db.expired().size()
            - db.perStream().values().stream().mapToLong(t -> t.manifests() + t.segments()).sum();
    if (other > 0) {
      System.out.printf("  and %d older snapshots, chunks, records and dead leases%n", other);
    }
    System.out.printf("  justified by snapshot %s%n", db.record().snapshot().key());
    // Held objects can be many: one line per reason, the full list in --json.
    db.held().stream()
        .collect(
            java.util.stream.Collectors.groupingBy(
                Expiry::heldBy, java.util.TreeMap::new, java.util.stream.Collectors.counting()))
        .forEach((why, n) -> System.out.printf("  kept for now: %d objects %s%n", n, why));
  }

  private static String point(Retention record) {
    Retention.SnapshotRef s = record.snapshot();
    return "lsn "
        + s.lsn()
        + " (committed by "
        + Values.formatTimestamp(Values.fromMicros(s.maxCommitTime()))
        + ")";
  }

  static Map<String, Object> json(RetentionPlan plan, boolean applied, List<Expiry> deleted) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("applied", applied);
    out.put("policy", plan.policy().describe());
    out.put("minAge", plan.minAge().toString());
    out.put("databases", plan.databases().stream().map(d -> database(d, deleted)).toList());
    out.put("bytes", plan.bytes());
    out.put("deleted", deleted.stream().map(Expiry::key).toList());
    out.put("skippedDatabases", plan.skipped());
    return out;
  }

  private static Map<String, Object> database(DatabasePlan db, List<Expiry> deleted) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("database", db.database());
    out.put("step", db.step().name());
    out.put("skipped", db.skipped());
    if (db.record() != null) {
      Retention.SnapshotRef s = db.record().snapshot();
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("snapshot", s.key());
      point.put("lsn", s.lsn());
      point.put("commitTime", Values.formatTimestamp(Values.fromMicros(s.commitTime())));
      point.put("maxCommitTime", Values.formatTimestamp(Values.fromMicros(s.maxCommitTime())));
      out.put("oldestRestorePoint", point);
      out.put("record", db.record().key());
      out.put(
          "streams",
          db.perStream().entrySet().stream()
              .map(
                  e -> {
                    Map<String, Object> stream = new LinkedHashMap<>();
                    stream.put("stream", e.getKey().toString());
                    stream.put("floorSeq", db.record().firstSeq(e.getKey()));
                    stream.put("manifests", e.getValue().manifests());
                    stream.put("segments", e.getValue().segments());
                    stream.put("bytes", e.getValue().bytes());
                    return stream;
                  })
              .toList());
    }
    out.put("delete", db.delete().stream().map(RetentionText::expiry).toList());
    out.put("held", db.held().stream().map(RetentionText::expiry).toList());
    return out;
  }

  private static Map<String, Object> expiry(Expiry e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", e.key());
    out.put("bytes", e.size());
    out.put("written", e.written() == null ? null : e.written().toString());
    out.put("why", e.why());
    if (e.heldBy() != null) {
      out.put("heldBy", e.heldBy());
    }
    return out;
  }
}
