package io.walstream.archive.read;

import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestCodec;
import io.walstream.archive.format.Retention;
import io.walstream.archive.format.RetentionCodec;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.ObjectInfo;
import io.walstream.archive.store.ObjectPage;
import io.walstream.archive.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Reads what the archive holds: stream indexes, manifests, and the committed head of a stream.
 * Manifests are checked as they are read (format, and that they belong at their key). It carries
 * the archive's {@link Keyring}, so that whoever reads segments through it decrypts with the keys
 * its caller was given, or refuses encrypted segments when none were.
 */
public final class ArchiveReader {
  private static final int PAGE = 1000;
  private static final int MAX_HEAD_ATTEMPTS = 10;

  private final ObjectStore store;
  private final Keyring keys;
  private final io.walstream.archive.verify.SignatureCheck signatures;

  /** A reader without keys: encrypted segments are refused by those who read them. */
  public ArchiveReader(ObjectStore store) {
    this(store, Keyring.none());
  }

  /** A reader whose callers decrypt with {@code keys}. */
  public ArchiveReader(ObjectStore store, Keyring keys) {
    this(store, keys, io.walstream.archive.verify.SignatureCheck.NONE);
  }

  /**
   * A reader whose callers decrypt with {@code keys} and, reading chains and catalogs, require
   * every manifest and catalog entry to be signed under {@code signatures}' public key.
   */
  public ArchiveReader(
      ObjectStore store, Keyring keys, io.walstream.archive.verify.SignatureCheck signatures) {
    this.store = store;
    this.keys = keys;
    this.signatures = signatures;
  }

  /** The signatures chains and catalogs read through this reader must carry (or none). */
  public io.walstream.archive.verify.SignatureCheck signatures() {
    return signatures;
  }

  /** The keys to read this archive's encrypted objects with ({@link Keyring#none()} if none). */
  public Keyring keys() {
    return keys;
  }

  public ObjectStore store() {
    return store;
  }

  /** The manifest claiming {@code seq}, or empty when none does. */
  public Optional<StoredManifest> readManifest(StreamId stream, long seq) {
    String key = ArchiveLayout.manifestKey(stream, seq);
    return store.readAll(key).map(bytes -> decode(key, bytes, stream, seq));
  }

  /** Decodes manifest bytes read from {@code key}, checking that they belong there. */
  public static StoredManifest decode(String key, byte[] bytes, StreamId stream, long seq) {
    Manifest manifest = ManifestCodec.decode(bytes, key);
    if (!manifest.stream().equals(stream) || manifest.seq() != seq) {
      throw new IntegrityException(
          key,
          "Cannot read manifest "
              + key
              + ": it claims seq "
              + manifest.seq()
              + " of "
              + manifest.stream()
              + ", not seq "
              + seq
              + " of "
              + stream);
    }
    return new StoredManifest(key, manifest, Sha256.hex(bytes));
  }

  /**
   * The committed head of {@code stream}: found by probing manifest keys (doubling, then binary
   * search: O(log n) existence checks, no full listing), then confirmed with one listing after it
   * so that a hole in the chain is reported rather than mistaken for the end.
   *
   * @throws IntegrityException when a manifest is missing in the middle of the chain
   */
  public StreamHead loadHead(StreamId stream) {
    Retention.StreamFloor floor =
        retention(stream.database()).map(r -> r.floorOf(stream)).orElse(null);
    long first = floor == null ? 0 : floor.seq();
    for (int attempt = 0; attempt < MAX_HEAD_ATTEMPTS; attempt++) {
      long last = lastExistingSeq(stream, first);
      if (floor != null && last < first) {
        throw new IntegrityException(
            ArchiveLayout.manifestKey(stream, first),
            "Cannot load head of stream "
                + stream
                + ": manifest "
                + first
                + ", the retention floor, is missing (retention never expires it)");
      }
      long later = firstManifestAfter(stream, last);
      if (later == -1) {
        return headAt(stream, last, floor);
      }
      if (later != last + 1) {
        throw new IntegrityException(
            ArchiveLayout.manifestKey(stream, last + 1),
            "Cannot load head of stream "
                + stream
                + ": manifest "
                + (last + 1)
                + " is missing but manifest "
                + later
                + " exists");
      }
      // A writer claimed the next seq while we probed: look again.
    }
    throw new IllegalStateException(
        "Cannot load head of stream "
            + stream
            + ": it kept moving for "
            + MAX_HEAD_ATTEMPTS
            + " attempts");
  }

  /**
   * The database's current retention record (the one with the highest key): its floors say where
   * each chain starts. Empty when retention never ran on it.
   *
   * @throws IntegrityException when the current record does not decode
   */
  public Optional<Retention> retention(String database) {
    Optional<String> current = retentionKey(database);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    String key = current.get();
    byte[] bytes =
        store
            .readAll(key)
            .orElseThrow(
                () ->
                    new IntegrityException(
                        key, "Cannot read retention record " + key + ": listed but gone"));
    return Optional.of(RetentionCodec.decode(bytes, key));
  }

  /** The key of the database's current retention record (the highest), without reading it. */
  public Optional<String> retentionKey(String database) {
    String last = null;
    String startAfter = null;
    while (true) {
      ObjectPage page = store.list(ArchiveLayout.retentionPrefix(database), startAfter, PAGE);
      for (ObjectInfo object : page.objects()) {
        if (ArchiveLayout.parse(object.key()).orElse(null) instanceof ArchiveKey.Retention r
            && r.database().equals(database)) {
          last = object.key();
        }
      }
      if (!page.truncated()) {
        return Optional.ofNullable(last);
      }
      startAfter = page.lastKey();
    }
  }

  private StreamHead headAt(StreamId stream, long seq, Retention.StreamFloor floor) {
    if (seq < 0) {
      return StreamHead.empty(stream);
    }
    StoredManifest last =
        readManifest(stream, seq)
            .orElseThrow(
                () ->
                    new IntegrityException(
                        ArchiveLayout.manifestKey(stream, seq),
                        "Cannot load head of stream "
                            + stream
                            + ": manifest "
                            + seq
                            + " vanished"));
    StreamHead previous = StreamHead.empty(stream);
    if (last.manifest() instanceof Manifest.Gap) {
      previous = lastRecordsBefore(stream, seq, floor);
    }
    return StreamHead.after(last.manifest(), last.sha256(), previous);
  }

  private StreamHead lastRecordsBefore(StreamId stream, long seq, Retention.StreamFloor floor) {
    // Walk back over GAP manifests to the last one with records, for its lsn and offset; below the
    // retention floor the record says what they were.
    long first = floor == null ? 0 : floor.seq();
    for (long s = seq - 1; s >= first; s--) {
      StoredManifest m = readManifest(stream, s).orElseThrow();
      if (m.manifest() instanceof Manifest.Segment) {
        return StreamHead.after(m.manifest(), m.sha256(), StreamHead.empty(stream));
      }
    }
    if (floor == null) {
      return StreamHead.empty(stream);
    }
    return new StreamHead(
        stream,
        floor.seq(),
        floor.lastSourceOffset(),
        -1,
        floor.last().lsn(),
        floor.last().txIndex(),
        floor.manifestSha256(),
        null);
  }

  private boolean manifestExists(StreamId stream, long seq) {
    return store.stat(ArchiveLayout.manifestKey(stream, seq)).isPresent();
  }

  private long lastExistingSeq(StreamId stream, long first) {
    if (!manifestExists(stream, first)) {
      return first - 1;
    }
    long low = first;
    long step = 1;
    while (manifestExists(stream, first + step)) {
      low = first + step;
      step = step * 2;
    }
    long high = first + step;
    // Invariant: low exists, high does not.
    while (high - low > 1) {
      long mid = low + (high - low) / 2;
      if (manifestExists(stream, mid)) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /** The smallest seq above {@code seq} that has a manifest, or -1. */
  private long firstManifestAfter(StreamId stream, long seq) {
    String prefix = ArchiveLayout.streamPrefix(stream);
    String startAfter = seq < 0 ? null : ArchiveLayout.manifestKey(stream, seq);
    while (true) {
      ObjectPage page = store.list(prefix, startAfter, PAGE);
      for (ObjectInfo object : page.objects()) {
        Optional<ArchiveKey> parsed = ArchiveLayout.parse(object.key());
        if (parsed.isPresent() && parsed.get() instanceof ArchiveKey.Manifest m) {
          return m.seq();
        }
      }
      if (!page.truncated()) {
        return -1;
      }
      startAfter = page.lastKey();
    }
  }

  /** The streams of {@code database}, from its index. */
  public List<StreamId> streamsOfDatabase(String database) {
    return streamsUnder(ArchiveLayout.databaseStreamsPrefix(database));
  }

  /** The streams read from a source partition, from its index. */
  public List<StreamId> streamsOfPartition(String topic, int partition) {
    return streamsUnder(ArchiveLayout.partitionIndexPrefix(topic, partition));
  }

  /** Every stream in the archive, from the partition index. */
  public List<StreamId> allStreams() {
    return streamsUnder(ArchiveLayout.PARTITION_INDEX);
  }

  /** Every database with at least one stream. */
  public List<String> databases() {
    TreeSet<String> databases = new TreeSet<>();
    allStreams().forEach(s -> databases.add(s.database()));
    return new ArrayList<>(databases);
  }

  private List<StreamId> streamsUnder(String prefix) {
    List<StreamId> streams = new ArrayList<>();
    forEachKey(
        prefix,
        object ->
            ArchiveLayout.parse(object.key())
                .filter(
                    k ->
                        k instanceof ArchiveKey.StreamIndex
                            || k instanceof ArchiveKey.PartitionIndex)
                .ifPresent(k -> streams.add(((ArchiveKey.OfStream) k).stream())));
    return streams;
  }

  /**
   * What a listing of every key shows: the databases with any object (by the first component of
   * their keys) and the partition index entries of each.
   */
  public record Listing(
      java.util.SortedSet<String> databases,
      java.util.Map<String, java.util.Set<StreamId>> partitionIndexed) {}

  /**
   * Lists every key of the archive once: the databases are found from their objects, not from the
   * indexes, so that a removed index entry hides no database.
   */
  public Listing listEverything() {
    TreeSet<String> databases = new TreeSet<>();
    java.util.Map<String, java.util.Set<StreamId>> indexed = new java.util.TreeMap<>();
    forEachKey(
        "",
        object -> {
          String key = object.key();
          if (key.startsWith(ArchiveLayout.PARTITION_INDEX)) {
            if (ArchiveLayout.parse(key).orElse(null) instanceof ArchiveKey.PartitionIndex p) {
              databases.add(p.stream().database());
              indexed
                  .computeIfAbsent(p.stream().database(), d -> new java.util.LinkedHashSet<>())
                  .add(p.stream());
            }
            return;
          }
          int slash = key.indexOf('/');
          if (slash > 0) {
            try {
              databases.add(
                  io.walstream.archive.layout.Names.requireValid(
                      "database",
                      io.walstream.archive.layout.Names.decode(key.substring(0, slash))));
            } catch (IllegalArgumentException
                | io.walstream.archive.layout.InvalidNameException e) {
              // Not a database's prefix: nothing the archive writes; readers ignore such keys.
            }
          }
        });
    return new Listing(databases, indexed);
  }

  /** Calls {@code action} for every object under {@code prefix}, in key order, page by page. */
  public void forEachKey(String prefix, Consumer<ObjectInfo> action) {
    String startAfter = null;
    while (true) {
      ObjectPage page = store.list(prefix, startAfter, PAGE);
      page.objects().forEach(action);
      if (!page.truncated()) {
        return;
      }
      startAfter = page.lastKey();
    }
  }
}
