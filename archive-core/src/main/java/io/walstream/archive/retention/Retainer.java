package io.walstream.archive.retention;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.OutcomeUnknownException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Retention;
import io.walstream.archive.format.RetentionCodec;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.archive.retention.RetentionPlan.DatabasePlan;
import io.walstream.archive.retention.RetentionPlan.RecordStep;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.PutOutcome;
import io.walstream.schemas.Version;
import io.walstream.schemas.error.WalstreamException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Retention (DESIGN invariant 11, docs/FORMAT.md section 10): expires what no retained restore
 * point needs. Plan first (what goes, what is held and why, the new oldest restore point), then
 * apply exactly the plan: store the retention record (the commit signal: from then on readers start
 * at its floor), list the leases again, then delete. A crash at any step leaves an archive that
 * verifies and restores every point the record advertises; running again finishes the deletions.
 */
public final class Retainer {
  private final ArchiveReader reader;
  private final Snapshots snapshots;
  private final Leases leases;
  private final String writerId;

  /** A retainer writing its records as {@code writerId}. */
  public Retainer(ObjectStore store, String writerId) {
    this.reader = new ArchiveReader(store);
    this.snapshots = new Snapshots(reader);
    this.leases = new Leases(store);
    this.writerId = writerId;
  }

  /**
   * The plan for {@code databases} (every database when empty) under {@code policy}, deleting
   * nothing written within {@code minAge} of {@code now}.
   */
  public RetentionPlan plan(
      List<String> databases, RetentionPolicy policy, Duration minAge, Instant now) {
    List<String> names =
        databases.isEmpty() ? List.copyOf(reader.listEverything().databases()) : databases;
    List<DatabasePlan> plans = new ArrayList<>();
    for (String database : names) {
      try {
        plans.add(plan(database, policy, minAge, now));
      } catch (WalstreamException e) {
        plans.add(DatabasePlan.skipped(database, e.getMessage()));
      }
    }
    return new RetentionPlan(policy, minAge, now, plans);
  }

  private DatabasePlan plan(String database, RetentionPolicy policy, Duration minAge, Instant now) {
    Optional<Retention> current = reader.retention(database);
    Optional<StoredSnapshot> floor = policy.floor(snapshots.list(database), now);
    RecordStep step;
    Retention record;
    if (floor.isPresent()
        && (current.isEmpty() || floor.get().snapshot().lsn() > current.get().snapshot().lsn())) {
      step = RecordStep.WRITE;
      record = recordFor(floor.get());
    } else if (current.isPresent()) {
      step = RecordStep.KEEP;
      record = current.get();
    } else {
      return new DatabasePlan(database, RecordStep.NONE, null, List.of(), null);
    }
    List<Expiry> expired = new ExpiredObjects(reader).of(record, now);
    return new DatabasePlan(database, step, record, hold(record, expired, minAge, now), null);
  }

  /**
   * The record that makes {@code floor} the oldest restore point, after checking that it can be:
   * every chunk of it is stored with its recorded size and hash, and every stream position it
   * covers is the manifest the archive holds.
   *
   * @throws IntegrityException naming the first object that fails
   */
  Retention recordFor(StoredSnapshot floor) {
    Snapshot s = floor.snapshot();
    for (Snapshot.Chunk chunk : s.chunks()) {
      byte[] bytes =
          reader
              .store()
              .readAll(chunk.key())
              .orElseThrow(
                  () -> refuse(floor, chunk.key(), "its chunk " + chunk.key() + " is missing"));
      if (bytes.length != chunk.byteSize() || !Sha256.hex(bytes).equals(chunk.sha256())) {
        throw refuse(floor, chunk.key(), "its chunk " + chunk.key() + " is not the one it names");
      }
    }
    List<Retention.StreamFloor> floors = new ArrayList<>();
    for (Snapshot.StreamPosition p : s.streams()) {
      var stream = p.stream(s.database());
      Optional<StoredManifest> m = reader.readManifest(stream, p.seq());
      String key = ArchiveLayout.manifestKey(stream, p.seq());
      if (m.isEmpty()
          || !m.get().sha256().equals(p.manifestSha256())
          || !(m.get().manifest() instanceof Manifest.Segment segment)
          || !segment.last().equals(p.last())) {
        throw refuse(floor, key, "the manifest it covers at " + key + " is not the one it names");
      }
      floors.add(
          new Retention.StreamFloor(
              p.topic(),
              p.partition(),
              p.seq(),
              p.manifestSha256(),
              p.last(),
              segment.offsets().last()));
    }
    return new Retention(
        s.database(),
        new Retention.SnapshotRef(
            floor.key(), s.lsn(), floor.sha256(), s.commitTime(), s.maxCommitTime()),
        floors,
        Version.current(),
        writerId);
  }

  private static IntegrityException refuse(StoredSnapshot floor, String key, String why) {
    return new IntegrityException(
        key,
        "Cannot make snapshot "
            + floor.key()
            + " the oldest restore point: "
            + why
            + "; nothing was expired (run verify)");
  }

  /** {@code expired}, each held when a live lease needs it or it is younger than {@code minAge}. */
  private List<Expiry> hold(Retention record, List<Expiry> expired, Duration minAge, Instant now) {
    LeaseHolds holds = new LeaseHolds(reader, leases.live(record.database(), now));
    Instant cutoff = now.minus(minAge);
    List<Expiry> out = new ArrayList<>();
    for (Expiry e : expired) {
      String lease = holds.holder(e);
      if (lease != null) {
        out.add(e.heldBy(lease));
      } else if (e.written() != null && e.written().isAfter(cutoff)) {
        out.add(e.heldBy("younger than --min-age " + minAge));
      } else {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Carries out {@code plan}: per database, stores its new retention record (or finds it stored,
   * expiring the same), lists the leases again (one taken since the plan may hold more back), and
   * deletes what the plan deletes and no lease now holds, in the plan's order. Returns what was
   * deleted.
   *
   * @throws IntegrityException when another record is stored at the new record's key
   */
  public List<Expiry> apply(RetentionPlan plan) {
    List<Expiry> deleted = new ArrayList<>();
    for (DatabasePlan db : plan.databases()) {
      if (db.step() == RecordStep.WRITE) {
        commit(db.record());
      }
      if (db.record() == null) {
        continue;
      }
      LeaseHolds holds = new LeaseHolds(reader, leases.live(db.database(), Instant.now()));
      List<Expiry> now = db.delete().stream().filter(e -> holds.holder(e) == null).toList();
      // One request per thousand keys on S3, in the plan's order.
      reader.store().deleteAll(now.stream().map(Expiry::key).toList());
      deleted.addAll(now);
    }
    return deleted;
  }

  private void commit(Retention record) {
    byte[] bytes = RetentionCodec.encode(record);
    String key = record.key();
    byte[] existing;
    try {
      if (reader.store().putIfAbsent(key, ObjectContent.ofBytes(bytes)) == PutOutcome.CREATED) {
        return;
      }
      existing = reader.store().readAll(key).orElse(null);
    } catch (OutcomeUnknownException e) {
      // Re-read before deciding: the claim may have landed.
      existing = reader.store().readAll(key).orElseThrow(() -> e);
    }
    if (existing == null
        || !(Arrays.equals(existing, bytes)
            || RetentionCodec.decode(existing, key).sameExpiry(record))) {
      throw new IntegrityException(
          key,
          "Cannot store retention record "
              + key
              + ": another record that expires something else is stored there; nothing was"
              + " deleted (run verify)");
    }
  }

  /** Which expired objects the live leases of a database still need. */
  private static final class LeaseHolds {
    private final List<Hold> holds = new ArrayList<>();

    private record Hold(String lease, Retention seen) {}

    LeaseHolds(ArchiveReader reader, List<Leases.Live> live) {
      for (Leases.Live l : live) {
        String seen = l.lease().retentionKey();
        Retention record = null;
        if (seen != null) {
          try {
            record =
                reader.store().readAll(seen).map(b -> RetentionCodec.decode(b, seen)).orElse(null);
          } catch (IntegrityException e) {
            record = null;
          }
        }
        holds.add(
            new Hold(
                l.key() + " (" + l.lease().purpose() + ", until " + l.expires() + ")", record));
      }
    }

    /** Why {@code expiry} is held: the first live lease that needs it, or null. */
    String holder(Expiry expiry) {
      // A chunk is needed while its snapshot is.
      String key = expiry.owner() == null ? expiry.key() : expiry.owner();
      ArchiveKey parsed = ArchiveLayout.parse(key).orElse(null);
      for (Hold h : holds) {
        if (needs(h.seen(), parsed, key)) {
          return "held by lease " + h.lease();
        }
      }
      return null;
    }

    /**
     * Whether a reader that saw {@code seen} (null: no record, or one that could not be read: it
     * may read anything) may read the object.
     */
    private static boolean needs(Retention seen, ArchiveKey parsed, String key) {
      if (parsed instanceof ArchiveKey.Lease) {
        return false;
      }
      if (seen == null) {
        return true;
      }
      if (parsed instanceof ArchiveKey.Manifest m) {
        return m.seq() >= seen.firstSeq(m.stream());
      }
      if (parsed instanceof ArchiveKey.Segment s) {
        return s.seq() >= seen.firstSeq(s.stream());
      }
      if (parsed instanceof ArchiveKey.Snapshot s) {
        return s.lsn() >= seen.snapshot().lsn();
      }
      if (parsed instanceof ArchiveKey.Retention) {
        return key.equals(seen.key());
      }
      // Anything else below a floor is not an archive key retention expires: keep it.
      return true;
    }
  }
}
