package io.walstream.archive.verify;

import io.walstream.archive.format.EncodedSegment;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.format.SegmentWriter;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.schemas.avro.ChangeRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the corruption fixtures under {@code src/test/resources/corruption}: one folder per
 * scenario, each holding an {@code archive/} built by the real writer (5 segments of one stream)
 * with exactly one corruption applied, and {@code expected-findings.txt} listing the error and
 * warning findings verification must report, one {@code KIND key} per line.
 *
 * <p>Run {@code main} with the resources directory to regenerate them after a format change.
 */
public final class CorruptionFixtures {
  public static final StreamId STREAM = new StreamId("shop", "walstream.changes", 0);
  static final int SEGMENTS = 5;

  private CorruptionFixtures() {}

  /** A scenario: how to corrupt a clean archive, and what verification must then find. */
  interface Corruption {
    List<String> apply(Path archive) throws IOException;
  }

  static String manifest(long seq) {
    return ArchiveLayout.manifestKey(STREAM, seq);
  }

  static String segment(Path archive, long seq) throws IOException {
    String prefix = ArchiveLayout.streamPrefix(STREAM) + String.format("%016x-", seq);
    try (Stream<Path> files = Files.list(archive.resolve(ArchiveLayout.streamPrefix(STREAM)))) {
      return files
          .map(p -> ArchiveLayout.streamPrefix(STREAM) + p.getFileName())
          .filter(k -> k.startsWith(prefix) && k.endsWith(".seg"))
          .findFirst()
          .orElseThrow();
    }
  }

  static Map<String, Corruption> scenarios() {
    Map<String, Corruption> scenarios = new LinkedHashMap<>();
    scenarios.put("clean", archive -> List.of());
    scenarios.put(
        "flipped-byte-in-segment",
        archive -> {
          String key = segment(archive, 2);
          byte[] bytes = Files.readAllBytes(archive.resolve(key));
          bytes[bytes.length / 2] ^= 0x01;
          rewrite(archive.resolve(key), bytes);
          return List.of("SEGMENT_HASH_MISMATCH " + key);
        });
    scenarios.put(
        "truncated-segment",
        archive -> {
          String key = segment(archive, 2);
          byte[] bytes = Files.readAllBytes(archive.resolve(key));
          rewrite(archive.resolve(key), Arrays.copyOf(bytes, bytes.length - 10));
          return List.of("SEGMENT_SIZE_MISMATCH " + key, "SEGMENT_HASH_MISMATCH " + key);
        });
    scenarios.put(
        "removed-middle-manifest",
        archive -> {
          Files.delete(archive.resolve(manifest(2)));
          return List.of("MISSING_MANIFEST " + manifest(2));
        });
    scenarios.put(
        "removed-segment",
        archive -> {
          String key = segment(archive, 2);
          Files.delete(archive.resolve(key));
          return List.of("MISSING_SEGMENT " + key);
        });
    scenarios.put(
        "edited-manifest-field",
        archive -> {
          editManifest(archive, 2, "\"recordCount\":6", "\"recordCount\":5");
          return List.of(
              "SEGMENT_MANIFEST_MISMATCH " + segment(archive, 2),
              "CHAIN_LINK_MISMATCH " + manifest(3));
        });
    scenarios.put(
        "reordered-seq",
        archive -> {
          Path two = archive.resolve(manifest(2));
          Path three = archive.resolve(manifest(3));
          byte[] a = Files.readAllBytes(two);
          byte[] b = Files.readAllBytes(three);
          rewrite(two, b);
          rewrite(three, a);
          return List.of(
              "MISPLACED_MANIFEST " + manifest(2),
              "MISPLACED_MANIFEST " + manifest(3),
              "CHAIN_LINK_MISMATCH " + manifest(4));
        });
    scenarios.put(
        "unknown-format-version",
        archive -> {
          editManifest(archive, 2, "\"formatVersion\":1", "\"formatVersion\":2");
          return List.of("UNKNOWN_FORMAT " + manifest(2), "CHAIN_LINK_MISMATCH " + manifest(3));
        });
    scenarios.put(
        "replayed-old-manifest",
        archive -> {
          // A copy of manifest 1 placed where manifest 4 was: the writer of a replay cannot make
          // it claim seq 4 without breaking its canonical bytes or its chain link.
          rewrite(archive.resolve(manifest(4)), Files.readAllBytes(archive.resolve(manifest(1))));
          return List.of("MISPLACED_MANIFEST " + manifest(4));
        });
    scenarios.put(
        "edited-records-rehashed-segment",
        archive -> {
          // Tamper with a record, re-encode and re-hash the segment under its new key and point
          // manifest 2 at it (hash, key and size): the segment and manifest 2 are self-consistent,
          // but manifest 3 no longer links to manifest 2.
          String oldKey = segment(archive, 2);
          byte[] oldBytes = Files.readAllBytes(archive.resolve(oldKey));
          List<ChangeRecord> records = new ArrayList<>();
          try (SegmentReader reader = SegmentReader.open(oldBytes, oldKey)) {
            reader.forEachRemaining(records::add);
          }
          records.get(0).getAfter().put("note", "tampered");
          EncodedSegment forged = SegmentWriter.encode(STREAM, 2, records);
          String newSha = forged.summary().sha256();
          String newKey = ArchiveLayout.segmentKey(STREAM, 2, newSha);
          Files.write(archive.resolve(newKey), forged.bytes());
          Files.delete(archive.resolve(oldKey));
          String oldSha = oldKey.substring(oldKey.lastIndexOf('-') + 1, oldKey.length() - 4);
          editManifest(archive, 2, oldSha, newSha);
          editManifest(
              archive,
              2,
              "\"byteSize\":" + oldBytes.length,
              "\"byteSize\":" + forged.bytes().length);
          return List.of("CHAIN_LINK_MISMATCH " + manifest(3));
        });
    scenarios.put(
        "leftover-uncommitted-segment",
        archive -> {
          byte[] bytes = "not committed".getBytes(StandardCharsets.UTF_8);
          Files.write(
              archive.resolve(ArchiveLayout.segmentKey(STREAM, 5, Sha256.hex(bytes))), bytes);
          return List.of();
        });
    addStreamSetScenarios(scenarios);
    addTransactionScenarios(scenarios);
    return scenarios;
  }

  /** Scenarios about which streams the database has: catalog, index entries, whole streams. */
  private static void addStreamSetScenarios(Map<String, Corruption> scenarios) {
    scenarios.put(
        "gap-inside-window",
        archive -> {
          deleteRecursively(archive);
          ArchiveWriter writer = new ArchiveWriter(new FileSystemObjectStore(archive), WRITER);
          StreamHead head = writer.loadHead(STREAM);
          head = commit(writer, head, 100, 0);
          head = commit(writer, head, 102, 6);
          head = ((CommitResult.Committed) writer.commitGap(head, 12, 17, 17)).head();
          head = commit(writer, head, 104, 18);
          commit(writer, head, 106, 24);
          return List.of("GAP " + manifest(2));
        });
    scenarios.put(
        "deleted-stream-index-entry",
        archive -> {
          Files.delete(archive.resolve(ArchiveLayout.streamIndexKey(STREAM)));
          return List.of("MISSING_INDEX_ENTRY " + ArchiveLayout.streamIndexKey(STREAM));
        });
    scenarios.put(
        "deleted-partition-entry-and-flipped-segment",
        archive -> {
          Files.delete(archive.resolve(ArchiveLayout.partitionIndexKey(STREAM)));
          String key = segment(archive, 3);
          byte[] bytes = Files.readAllBytes(archive.resolve(key));
          bytes[bytes.length / 3] ^= 0x10;
          rewrite(archive.resolve(key), bytes);
          return List.of(
              "MISSING_INDEX_ENTRY " + ArchiveLayout.partitionIndexKey(STREAM),
              "SEGMENT_HASH_MISMATCH " + key);
        });
    scenarios.put(
        "wholly-deleted-stream",
        archive -> {
          deleteRecursively(archive.resolve(ArchiveLayout.streamPrefix(STREAM)));
          return List.of("MISSING_STREAM " + manifest(0));
        });
    scenarios.put(
        "rolled-back-catalog-entry",
        archive -> {
          // The newest (here the only) entry removed: its stream's objects remain, uncatalogued.
          Files.delete(archive.resolve(ArchiveLayout.catalogKey(STREAM.database(), 0)));
          return List.of("UNCATALOGUED_STREAM " + ArchiveLayout.streamPrefix(STREAM));
        });
    scenarios.put(
        "deleted-catalog-entry",
        archive -> {
          ArchiveWriter writer = new ArchiveWriter(new FileSystemObjectStore(archive), WRITER);
          commit(writer, writer.loadHead(SECOND), 200, 0);
          Files.delete(archive.resolve(ArchiveLayout.catalogKey(STREAM.database(), 0)));
          return List.of(
              "MISSING_CATALOG_ENTRY " + ArchiveLayout.catalogKey(STREAM.database(), 0),
              "UNCATALOGUED_STREAM " + ArchiveLayout.streamPrefix(STREAM));
        });
  }

  /** Scenarios of transactions a producer broke: archived, reported, left out of restores. */
  private static void addTransactionScenarios(Map<String, Corruption> scenarios) {
    scenarios.put(
        "incomplete-transaction",
        archive -> {
          // A producer crashed inside lsn 103 (no txLast) and went on with lsn 104.
          return brokenTransaction(archive, r -> r.getLsn() == 103 && r.getTxIndex() == 2, null);
        });
    scenarios.put(
        "skipped-txindex",
        archive -> {
          // lsn 103's records carry txIndex 0, 2, 3: one is missing.
          return brokenTransaction(archive, null, r -> r.getLsn() == 103 && r.getTxIndex() >= 1);
        });
  }

  /**
   * Rebuilds the archive as 3 segments of 2 transactions of 3 records (lsn 100–105), with lsn 103
   * broken: {@code dropTxLast} records lose their txLast flag, {@code shift} records their txIndex
   * moves up by one. Expects lsn 103 reported incomplete, at the segment holding its first record.
   */
  private static List<String> brokenTransaction(
      Path archive,
      java.util.function.Predicate<ChangeRecord> dropTxLast,
      java.util.function.Predicate<ChangeRecord> shift)
      throws IOException {
    deleteRecursively(archive);
    ArchiveWriter writer = new ArchiveWriter(new FileSystemObjectStore(archive), WRITER);
    StreamHead head = writer.loadHead(STREAM);
    for (int i = 0; i < 3; i++) {
      List<ChangeRecord> records = new ArrayList<>();
      for (ChangeRecord r : Records.transactions(STREAM.database(), 100 + 2L * i, 2, 3)) {
        ChangeRecord.Builder b = ChangeRecord.newBuilder(r);
        if (dropTxLast != null && dropTxLast.test(r)) {
          b.setTxLast(false);
        }
        if (shift != null && shift.test(r)) {
          b.setTxIndex(r.getTxIndex() + 1);
        }
        records.add(b.build());
      }
      head = ((CommitResult.Committed) writer.commit(head, Records.batch(records, 6L * i))).head();
    }
    return List.of("INCOMPLETE_TRANSACTION " + segment(archive, 1));
  }

  /** A second stream of the same database (another partition). */
  static final StreamId SECOND = new StreamId("shop", "walstream.changes", 1);

  private static final String WRITER = "fixture-writer";

  private static StreamHead commit(ArchiveWriter writer, StreamHead head, long lsn, long offset) {
    List<ChangeRecord> records = Records.transactions(STREAM.database(), lsn, 2, 3);
    return ((CommitResult.Committed) writer.commit(head, Records.batch(records, offset))).head();
  }

  private static void editManifest(Path archive, long seq, String find, String replace)
      throws IOException {
    Path path = archive.resolve(manifest(seq));
    String json = Files.readString(path, StandardCharsets.UTF_8);
    if (!json.contains(find)) {
      throw new IllegalStateException("manifest " + seq + " has no " + find);
    }
    rewrite(path, json.replace(find, replace).getBytes(StandardCharsets.UTF_8));
  }

  private static void rewrite(Path path, byte[] bytes) throws IOException {
    Files.write(path, bytes);
  }

  /** Builds a clean archive of {@link #SEGMENTS} segments in {@code directory}. */
  public static void writeCleanArchive(Path directory) {
    Records.archive(
        new ArchiveWriter(new FileSystemObjectStore(directory), WRITER),
        STREAM,
        100,
        SEGMENTS,
        2,
        3);
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]).resolve("corruption");
    deleteRecursively(root);
    for (Map.Entry<String, Corruption> scenario : scenarios().entrySet()) {
      Path folder = root.resolve(scenario.getKey());
      Path archive = folder.resolve("archive");
      writeCleanArchive(archive);
      List<String> expected = scenario.getValue().apply(archive);
      Files.write(folder.resolve("expected-findings.txt"), expected, StandardCharsets.UTF_8);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
