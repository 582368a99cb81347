package io.walstream.archive.retention;

import io.walstream.archive.format.Retention;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.archive.store.ObjectInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects a retention record expires that are still stored, in the order retention deletes
 * them: snapshot manifests before their chunks (no stored snapshot names a deleted chunk), then per
 * stream the manifests below the floor before their segments (a segment left by a crash is a plain
 * leftover), then older retention records and the leases of holders that died.
 */
final class ExpiredObjects {
  private final ArchiveReader reader;

  ExpiredObjects(ArchiveReader reader) {
    this.reader = reader;
  }

  /** What {@code record} expires in its database at {@code now}, nothing held yet. */
  List<Expiry> of(Retention record, Instant now) {
    String database = record.database();
    String by = "snapshot " + record.snapshot().key();
    List<Expiry> out = new ArrayList<>();
    snapshots(record, by, out);
    for (Retention.StreamFloor floor : record.streams()) {
      stream(floor.stream(database), floor.seq(), by, out);
    }
    reader.forEachKey(
        ArchiveLayout.retentionPrefix(database),
        o -> {
          if (o.key().compareTo(record.key()) < 0
              && ArchiveLayout.parse(o.key()).orElse(null) instanceof ArchiveKey.Retention) {
            out.add(expiry(o, "a retention record superseded by " + record.key()));
          }
        });
    for (String key : new Leases(reader.store()).expired(database, now)) {
      out.add(new Expiry(key, 0, null, "a lease that expired (its holder stopped)", null, null));
    }
    return out;
  }

  private void snapshots(Retention record, String by, List<Expiry> out) {
    String database = record.database();
    Map<String, ObjectInfo> stored = new HashMap<>();
    reader.forEachKey(ArchiveLayout.snapshotPrefix(database), o -> stored.put(o.key(), o));
    reader.forEachKey(ArchiveLayout.snapshotChunkPrefix(database), o -> stored.put(o.key(), o));
    List<Expiry> chunks = new ArrayList<>();
    for (StoredSnapshot s : new Snapshots(reader).listAll(database)) {
      if (s.snapshot().lsn() >= record.snapshot().lsn()) {
        continue;
      }
      ObjectInfo info = stored.get(s.key());
      if (info != null) {
        out.add(expiry(info, "a snapshot before the floor " + by));
      }
      // A chunk declares its snapshot's lsn, so no later snapshot can name it.
      for (Snapshot.Chunk chunk : s.snapshot().chunks()) {
        ObjectInfo c = stored.get(chunk.key());
        if (c != null) {
          chunks.add(
              new Expiry(
                  c.key(),
                  c.size(),
                  c.lastModified(),
                  "a chunk of snapshot " + s.key() + ", before the floor " + by,
                  s.key(),
                  null));
        }
      }
    }
    out.addAll(chunks);
  }

  private void stream(StreamId stream, long floorSeq, String by, List<Expiry> out) {
    List<Expiry> segments = new ArrayList<>();
    String why = "below the floor seq " + floorSeq + " of " + stream + ", covered by " + by;
    reader.forEachKey(
        ArchiveLayout.streamPrefix(stream),
        o -> {
          ArchiveKey key = ArchiveLayout.parse(o.key()).orElse(null);
          if (key instanceof ArchiveKey.Manifest m && m.seq() < floorSeq) {
            out.add(expiry(o, why));
          } else if (key instanceof ArchiveKey.Segment s && s.seq() < floorSeq) {
            segments.add(expiry(o, why));
          } else if (key instanceof ArchiveKey.ManifestSignature g && g.seq() < floorSeq) {
            // After its manifest, like the segments: a signature without one is never read.
            segments.add(expiry(o, why));
          }
        });
    out.addAll(segments);
  }

  private static Expiry expiry(ObjectInfo o, String why) {
    return new Expiry(o.key(), o.size(), o.lastModified(), why, null, null);
  }
}
