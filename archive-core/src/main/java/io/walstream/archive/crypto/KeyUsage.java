package io.walstream.archive.crypto;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How many committed segments and snapshot chunks (and plaintext ones) use each data key, from the
 * manifests and snapshot manifests alone (no key needed): what {@code keys list} shows, so an
 * operator sees which keys old data still needs.
 */
public final class KeyUsage {
  private final SortedMap<Long, Long> segments = new TreeMap<>();
  private final SortedMap<Long, Long> chunks = new TreeMap<>();
  private long plaintextSegments;

  private KeyUsage() {}

  /** Counts over every stream of the archive {@code reader} reads. */
  public static KeyUsage of(ArchiveReader reader) {
    KeyUsage usage = new KeyUsage();
    for (StreamId stream : reader.allStreams()) {
      reader.forEachKey(
          ArchiveLayout.streamPrefix(stream),
          object -> {
            if (ArchiveLayout.parse(object.key()).orElse(null)
                instanceof io.walstream.archive.layout.ArchiveKey.Manifest m) {
              reader.readManifest(stream, m.seq()).ifPresent(usage::count);
            }
          });
    }
    io.walstream.archive.read.Snapshots snapshots = new io.walstream.archive.read.Snapshots(reader);
    for (String database : reader.databases()) {
      for (var stored : snapshots.listAll(database)) {
        for (var chunk : stored.snapshot().chunks()) {
          if (chunk.encryption() != null) {
            usage.chunks.merge(chunk.encryption().keyId(), 1L, Long::sum);
          }
        }
      }
    }
    return usage;
  }

  private void count(StoredManifest stored) {
    if (stored.manifest() instanceof Manifest.Segment s) {
      Manifest.Encryption e = s.segment().encryption();
      if (e == null) {
        plaintextSegments++;
      } else {
        segments.merge(e.keyId(), 1L, Long::sum);
      }
    }
  }

  /** Segments per data key id. */
  public Map<Long, Long> segments() {
    return java.util.Collections.unmodifiableSortedMap(segments);
  }

  /** Snapshot chunks per data key id. */
  public Map<Long, Long> chunks() {
    return java.util.Collections.unmodifiableSortedMap(chunks);
  }

  /** Segments written before the archive was encrypted. */
  public long plaintextSegments() {
    return plaintextSegments;
  }
}
