package io.walstream.topology;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.verify.SegmentRecords;
import io.walstream.restorer.verify.VerifiedArchive;
import io.walstream.schemas.avro.ChangeRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every record a test published, by its source offset, and what must become of it: archived
 * (record-for-record equal, exactly once) or dead-lettered with the right reason (exactly once).
 * {@link #balance} accounts for every offset; lost, duplicated and invented must all be zero.
 */
final class Ledger {
  /** Where a record was published. */
  record Offset(String topic, int partition, long offset) {}

  /** A record's identity in the archive. */
  record Key(String database, long lsn, int txIndex) {
    static Key of(ChangeRecord r) {
      return new Key(r.getDatabase(), r.getLsn(), r.getTxIndex());
    }
  }

  /** The outcome of the accounting. */
  record Balance(
      long published,
      long archived,
      long deadLettered,
      long lost,
      long duplicated,
      long invented,
      long misrouted,
      List<String> problems) {
    boolean balanced() {
      return lost == 0 && duplicated == 0 && invented == 0 && misrouted == 0 && problems.isEmpty();
    }
  }

  private final Map<Offset, ChangeRecord> valid = new ConcurrentHashMap<>();
  private final Map<Offset, String> bad = new ConcurrentHashMap<>();

  void valid(Offset at, ChangeRecord record) {
    valid.put(at, record);
  }

  void bad(Offset at, String reason) {
    bad.put(at, reason);
  }

  /** Waits until {@code n} more records have been published (and acknowledged) from now. */
  void awaitMorePublished(long n) {
    long target = published() + n;
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofMinutes(2))
        .until(() -> published() >= target);
  }

  long published() {
    return valid.size() + bad.size();
  }

  long validCount() {
    return valid.size();
  }

  long badCount() {
    return bad.size();
  }

  /** The valid records, for oracles. */
  List<ChangeRecord> validRecords() {
    return new ArrayList<>(valid.values());
  }

  /** Every record in the archive, by key (more than one entry is a duplicate). */
  static Map<Key, List<ChangeRecord>> archived(ObjectStore store) {
    ArchiveReader reader = new ArchiveReader(store);
    VerifiedArchive archive = new VerifiedArchive(reader);
    Map<Key, List<ChangeRecord>> out = new HashMap<>();
    for (StreamId stream : reader.allStreams()) {
      for (StoredManifest stored : archive.chain(stream).manifests()) {
        if (!(stored.manifest() instanceof Manifest.Segment m)) {
          continue;
        }
        SegmentRecords records = new SegmentRecords(m, archive.segment(m), archive.reader().keys());
        for (List<ChangeRecord> chunk = records.next(1000);
            !chunk.isEmpty();
            chunk = records.next(1000)) {
          for (ChangeRecord r : chunk) {
            out.computeIfAbsent(Key.of(r), k -> new ArrayList<>()).add(r);
          }
        }
      }
    }
    return out;
  }

  /** Accounts for every published offset against the archive and the dead letters. */
  Balance balance(ObjectStore store, List<DeadLetters.Letter> letters) {
    Map<Key, List<ChangeRecord>> archived = archived(store);
    List<String> problems = new ArrayList<>();
    long lost = 0;
    long duplicated = 0;
    Map<Key, ChangeRecord> expected = new HashMap<>();
    for (ChangeRecord r : valid.values()) {
      expected.put(Key.of(r), r);
    }
    for (Map.Entry<Key, ChangeRecord> e : expected.entrySet()) {
      List<ChangeRecord> found = archived.get(e.getKey());
      if (found == null) {
        lost++;
        if (problems.size() < 20) {
          problems.add("lost " + e.getKey() + " (" + e.getValue().getTable() + ")");
        }
        continue;
      }
      if (found.size() > 1) {
        duplicated += found.size() - 1;
      }
      if (!Objects.equals(found.get(0), e.getValue())) {
        problems.add("archived record differs from the published one at " + e.getKey());
      }
    }
    long invented = archived.keySet().stream().filter(k -> !expected.containsKey(k)).count();
    Map<Offset, List<String>> dead = new HashMap<>();
    for (DeadLetters.Letter l : letters) {
      dead.computeIfAbsent(l.source(), k -> new ArrayList<>()).add(l.reason());
    }
    long misrouted = 0;
    for (Map.Entry<Offset, String> e : bad.entrySet()) {
      List<String> reasons = dead.getOrDefault(e.getKey(), List.of());
      if (reasons.isEmpty()) {
        lost++;
        if (problems.size() < 20) {
          problems.add("no dead letter for " + e.getValue() + " record at " + e.getKey());
        }
      } else if (reasons.size() > 1) {
        duplicated += reasons.size() - 1;
      }
      if (!reasons.isEmpty() && !reasons.get(0).equals(e.getValue())) {
        misrouted++;
        problems.add(
            "dead letter at "
                + e.getKey()
                + " has reason "
                + reasons
                + ", expected "
                + e.getValue());
      }
    }
    for (Offset o : dead.keySet()) {
      if (!bad.containsKey(o)) {
        invented++;
        problems.add("dead letter for an offset that was not a bad record: " + o);
      }
    }
    return new Balance(
        published(),
        archived.values().stream().mapToLong(List::size).sum(),
        letters.size(),
        lost,
        duplicated,
        invented,
        misrouted,
        problems);
  }
}
