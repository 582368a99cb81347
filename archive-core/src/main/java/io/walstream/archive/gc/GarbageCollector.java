package io.walstream.archive.gc;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Retention;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.archive.retention.Leases;
import io.walstream.archive.store.ObjectInfo;
import io.walstream.archive.store.ObjectStore;
import io.walstream.schemas.error.WalstreamException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds and removes uncommitted leftovers: segments no manifest claims and snapshot chunks no
 * snapshot names, once older than a grace period, so that a cut or a snapshot build in flight is
 * never collected. Plan first, then apply exactly the plan; each object is checked again right
 * before it is deleted. A database with a hole in a chain (a segment whose manifest is missing
 * below the head could be the only copy of committed records) or an unreadable manifest or snapshot
 * is left alone, named in the plan.
 */
public final class GarbageCollector {
  private final ArchiveReader reader;

  public GarbageCollector(ObjectStore store) {
    this.reader = new ArchiveReader(store);
  }

  /**
   * The plan for {@code databases} (all of them when empty) with grace {@code minAge} at {@code
   * now}.
   */
  public GcPlan plan(List<String> databases, Duration minAge, Instant now) {
    List<String> names =
        databases.isEmpty() ? List.copyOf(reader.listEverything().databases()) : databases;
    List<Leftover> remove = new ArrayList<>();
    List<Leftover> young = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Instant cutoff = now.minus(minAge);
    for (String database : names) {
      List<Leftover> found = new ArrayList<>();
      String problem = leftovers(database, found);
      if (problem != null) {
        skipped.add(database + ": " + problem);
        continue;
      }
      // A snapshot build holds a lease from before it writes its first chunk to its commit: while
      // one runs, however long, a chunk no snapshot names yet may be one it is about to name.
      boolean building =
          new Leases(reader.store())
              .live(database, now).stream()
                  .anyMatch(
                      l -> io.walstream.archive.format.Lease.SNAPSHOT.equals(l.lease().purpose()));
      for (Leftover leftover : found) {
        boolean kept =
            leftover.written().isAfter(cutoff) || (building && leftover.key().endsWith(".chunk"));
        (kept ? young : remove).add(leftover);
      }
    }
    return new GcPlan(minAge, remove, young, skipped);
  }

  /** Adds the database's leftovers to {@code out}; the reason to leave it alone, or null. */
  private String leftovers(String database, List<Leftover> out) {
    try {
      String problem = segments(database, out);
      return problem != null ? problem : chunks(database, out);
    } catch (WalstreamException e) {
      return e.getMessage();
    }
  }

  private String segments(String database, List<Leftover> out) {
    Map<StreamId, TreeMap<Long, List<ObjectInfo>>> segments = new HashMap<>();
    Map<StreamId, Long> heads = new HashMap<>();
    reader.forEachKey(
        ArchiveLayout.walPrefix(database),
        object -> {
          ArchiveKey key = ArchiveLayout.parse(object.key()).orElse(null);
          if (key instanceof ArchiveKey.Segment s) {
            segments
                .computeIfAbsent(s.stream(), k -> new TreeMap<>())
                .computeIfAbsent(s.seq(), k -> new ArrayList<>())
                .add(object);
          } else if (key instanceof ArchiveKey.Manifest m) {
            heads.merge(m.stream(), m.seq(), Math::max);
          }
        });
    Retention retention = reader.retention(database).orElse(null);
    for (var stream : segments.entrySet()) {
      long head = heads.getOrDefault(stream.getKey(), -1L);
      long floor = retention == null ? 0 : retention.firstSeq(stream.getKey());
      for (var seq : stream.getValue().entrySet()) {
        // Below the retention floor a missing manifest is expired, not a hole.
        long holeFrom = seq.getKey() < floor ? -1 : head;
        String problem = atSeq(stream.getKey(), seq.getKey(), holeFrom, seq.getValue(), out);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private String atSeq(
      StreamId stream, long seq, long head, List<ObjectInfo> objects, List<Leftover> out) {
    Optional<StoredManifest> manifest = reader.readManifest(stream, seq);
    if (manifest.isEmpty() && seq <= head) {
      return "manifest "
          + seq
          + " of "
          + stream
          + " is missing below its head "
          + head
          + " (a hole): its segments may hold committed records; run verify";
    }
    String named =
        manifest.isPresent() && manifest.get().manifest() instanceof Manifest.Segment s
            ? s.segment().key()
            : null;
    for (ObjectInfo object : objects) {
      if (!object.key().equals(named)) {
        String why =
            manifest.isPresent()
                ? "manifest " + seq + " of " + stream + " names another segment (a lost claim)"
                : "no manifest claims seq "
                    + seq
                    + " of "
                    + stream
                    + " (a cut that did not commit)";
        out.add(new Leftover(object.key(), object.size(), object.lastModified(), why));
      }
    }
    return null;
  }

  private String chunks(String database, List<Leftover> out) {
    Set<String> named = namedChunks(database);
    reader.forEachKey(
        ArchiveLayout.snapshotChunkPrefix(database),
        object -> {
          if (ArchiveLayout.parse(object.key()).orElse(null) instanceof ArchiveKey.SnapshotChunk
              && !named.contains(object.key())) {
            out.add(
                new Leftover(
                    object.key(),
                    object.size(),
                    object.lastModified(),
                    "no snapshot of "
                        + database
                        + " names this chunk (a build that did not commit)"));
          }
        });
    return null;
  }

  /**
   * Deletes exactly the plan's {@code remove} list, each checked again first: a leftover that a
   * manifest or snapshot has named since the plan was made is kept. Returns what was deleted.
   */
  public List<Leftover> apply(GcPlan plan) {
    // The snapshots of each database are read once, now, not once per chunk.
    Map<String, Set<String>> namedChunks = new HashMap<>();
    List<Leftover> deleted =
        plan.remove().stream()
            .filter(leftover -> stillLeftover(leftover.key(), namedChunks))
            .toList();
    // One request per thousand keys on S3.
    reader.store().deleteAll(deleted.stream().map(Leftover::key).toList());
    return deleted;
  }

  private boolean stillLeftover(String key, Map<String, Set<String>> namedChunks) {
    ArchiveKey parsed = ArchiveLayout.parse(key).orElse(null);
    if (parsed instanceof ArchiveKey.Segment s) {
      return reader
          .readManifest(s.stream(), s.seq())
          .map(
              m ->
                  !(m.manifest() instanceof Manifest.Segment seg
                      && seg.segment().key().equals(key)))
          .orElse(true);
    }
    if (parsed instanceof ArchiveKey.SnapshotChunk c) {
      return !namedChunks.computeIfAbsent(c.database(), this::namedChunks).contains(key);
    }
    return false;
  }

  /** The chunk keys the snapshots of {@code database} name. */
  private Set<String> namedChunks(String database) {
    Set<String> named = new HashSet<>();
    for (StoredSnapshot stored : new Snapshots(reader).listAll(database)) {
      stored.snapshot().chunks().stream().map(Snapshot.Chunk::key).forEach(named::add);
    }
    return named;
  }
}
