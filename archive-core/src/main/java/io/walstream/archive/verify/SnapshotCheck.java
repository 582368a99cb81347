package io.walstream.archive.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Retention;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.archive.verify.Finding.Kind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The snapshot rules of docs/FORMAT.md section 8 for one database: each snapshot manifest decodes
 * at its own key, links to an earlier snapshot of the database when it names one, covers stream
 * positions that are the manifests the archive holds, and names chunks whose stored bytes have the
 * recorded size and hash and hold the recorded rows of the recorded table. Needs no keys.
 */
public final class SnapshotCheck {
  private final ArchiveReader reader;
  private final Snapshots snapshots;

  public SnapshotCheck(ArchiveReader reader) {
    this.reader = reader;
    this.snapshots = new Snapshots(reader);
  }

  /** Every finding about the snapshots of {@code database}; empty when they are sound. */
  public List<Finding> check(String database) {
    return check(database, reader.retention(database).orElse(null));
  }

  /**
   * As {@link #check(String)}, under {@code retention} (may be null): a snapshot before its floor
   * snapshot is expired, reported once as such and not checked (the manifests it covers are gone).
   */
  public List<Finding> check(String database, Retention retention) {
    long floorLsn = retention == null ? -1 : retention.snapshot().lsn();
    List<Finding> findings = new ArrayList<>();
    Set<String> earlier = new HashSet<>();
    Set<String> named = new HashSet<>();
    for (String key : keys(database, ArchiveLayout.snapshotPrefix(database))) {
      StoredSnapshot stored = read(key, findings);
      if (stored == null) {
        continue;
      }
      Snapshot s = stored.snapshot();
      if (s.lsn() < floorLsn) {
        expired(key, stored, floorLsn, findings);
        earlier.add(stored.sha256());
        s.chunks().forEach(c -> named.add(c.key()));
        continue;
      }
      // The floor snapshot's predecessor is expired: its link points at what retention removed.
      if (s.prevSnapshotSha256() != null
          && !earlier.contains(s.prevSnapshotSha256())
          && s.lsn() != floorLsn) {
        findings.add(
            Finding.of(
                Kind.SNAPSHOT_LINK_MISMATCH,
                key,
                "prevSnapshotSha256 " + s.prevSnapshotSha256() + " is no earlier snapshot's"));
      }
      earlier.add(stored.sha256());
      positions(key, s, findings);
      for (Snapshot.Chunk chunk : s.chunks()) {
        named.add(chunk.key());
        chunk(s, chunk, findings);
      }
    }
    for (String chunk : keys(database, ArchiveLayout.snapshotChunkPrefix(database))) {
      if (!named.contains(chunk)) {
        findings.add(
            Finding.of(Kind.UNCOMMITTED_SNAPSHOT_CHUNK, chunk, "no snapshot names this chunk"));
      }
    }
    return findings;
  }

  /** The snapshot at {@code key}; null when gone or unreadable (then a finding says why). */
  private StoredSnapshot read(String key, List<Finding> findings) {
    try {
      return snapshots.read(key).orElse(null);
    } catch (UnknownFormatException e) {
      findings.add(Finding.of(Kind.UNKNOWN_FORMAT, key, e.getMessage()));
    } catch (IntegrityException e) {
      findings.add(Finding.of(Kind.MALFORMED_SNAPSHOT, key, e.getMessage()));
    }
    return null;
  }

  private static void expired(
      String key, StoredSnapshot stored, long floorLsn, List<Finding> findings) {
    findings.add(
        Finding.of(
            Kind.EXPIRED,
            key,
            "before the retention floor snapshot at lsn "
                + floorLsn
                + " (expired, awaiting deletion; "
                + stored.snapshot().chunks().size()
                + " chunks)"));
  }

  private List<String> keys(String database, String prefix) {
    List<String> keys = new ArrayList<>();
    reader.forEachKey(
        prefix,
        object -> {
          ArchiveKey key = ArchiveLayout.parse(object.key()).orElse(null);
          if ((key instanceof ArchiveKey.Snapshot s && s.database().equals(database))
              || (key instanceof ArchiveKey.SnapshotChunk c && c.database().equals(database))) {
            keys.add(object.key());
          }
        });
    return keys;
  }

  private void positions(String key, Snapshot s, List<Finding> findings) {
    for (Snapshot.StreamPosition position : s.streams()) {
      var stream = position.stream(s.database());
      Optional<StoredManifest> stored;
      try {
        stored = reader.readManifest(stream, position.seq());
      } catch (IntegrityException e) {
        stored = Optional.empty();
      }
      boolean same =
          stored.isPresent()
              && stored.get().sha256().equals(position.manifestSha256())
              && stored.get().manifest() instanceof Manifest.Segment segment
              && segment.last().equals(position.last());
      if (!same) {
        findings.add(
            Finding.of(
                Kind.SNAPSHOT_POSITION_MISMATCH,
                key,
                "covers seq "
                    + position.seq()
                    + " of "
                    + stream
                    + " with sha256 "
                    + position.manifestSha256()
                    + " ending at "
                    + position.last()
                    + ", the archive holds "
                    + stored.map(m -> "sha256 " + m.sha256()).orElse("no such manifest")));
      }
    }
  }

  private void chunk(Snapshot s, Snapshot.Chunk chunk, List<Finding> findings) {
    if (reader.store().stat(chunk.key()).isEmpty()) {
      findings.add(
          Finding.of(
              Kind.MISSING_SNAPSHOT_CHUNK, chunk.key(), "named by " + s.key() + " but absent"));
      return;
    }
    try {
      if (chunk.encryption() != null && !reader.keys().hasKeys()) {
        // Without a key, everything but the rows: size, hash and the declared encryption.
        snapshots.checkStored(s, chunk);
      } else {
        snapshots.rows(s, chunk);
      }
    } catch (io.walstream.archive.error.KeyUnavailableException e) {
      findings.add(Finding.of(Kind.MISSING_KEY, chunk.key(), e.getMessage()));
    } catch (IntegrityException e) {
      findings.add(Finding.of(Kind.SNAPSHOT_CHUNK_MISMATCH, chunk.key(), e.getMessage()));
    }
  }
}
