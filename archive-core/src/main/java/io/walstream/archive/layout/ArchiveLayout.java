package io.walstream.archive.layout;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds every object key of the archive, and parses them back. Pure: no I/O. See docs/FORMAT.md.
 *
 * <pre>
 * &lt;db&gt;/wal/&lt;topic&gt;/&lt;partition&gt;/&lt;seq&gt;.manifest.json        manifest claiming seq
 * &lt;db&gt;/wal/&lt;topic&gt;/&lt;partition&gt;/&lt;seq&gt;-&lt;sha256&gt;.seg           segment bytes, content-addressed
 * &lt;db&gt;/streams/&lt;topic&gt;/&lt;partition&gt;                      index: the streams of a database
 * _partitions/&lt;topic&gt;/&lt;partition&gt;/&lt;db&gt;                 index: the streams of a source partition
 * &lt;db&gt;/catalog/&lt;seq&gt;.json                            the database's stream catalog, entry seq
 * &lt;db&gt;/snapshots/&lt;lsn&gt;.snapshot.json                  snapshot manifest of the state at lsn
 * &lt;db&gt;/snapshot-chunks/&lt;sha256&gt;.chunk               snapshot rows, content-addressed
 * &lt;db&gt;/retention/&lt;lsn&gt;.retention.json                retention floor: all before snapshot lsn expired
 * &lt;db&gt;/leases/&lt;holder&gt;-&lt;expiry&gt;.lease.json          a reader's lease against retention
 * &lt;db&gt;/locks/&lt;generation&gt;.lock.json                  who runs snapshots and retention of db now
 * _keys/keyset/&lt;version&gt;.json                      the data keyset, version, wrapped by a KEK
 * &lt;db&gt;/wal/&lt;topic&gt;/&lt;partition&gt;/&lt;seq&gt;.&lt;sha256&gt;.sig           signature of the manifest with that hash
 * &lt;db&gt;/catalog/&lt;seq&gt;.&lt;sha256&gt;.sig                      signature of the catalog entry with that hash
 * </pre>
 *
 * {@code <db>}, {@code <topic>} and {@code <holder>} are {@link Names#encode encoded}; {@code
 * <partition>} is 8 and {@code <seq>}, {@code <lsn>} and {@code <expiry>} (microseconds since the
 * epoch) 16 zero-padded lower-case hex digits, so that listing order is chain (or LSN) order;
 * {@code <sha256>} is 64 lower-case hex digits.
 */
public final class ArchiveLayout {
  /** Top-level prefix of the partition index; no encoded database name starts with {@code _}. */
  public static final String PARTITION_INDEX = "_partitions/";

  /**
   * Top-level prefix of the objects an archiver writes and deletes at startup to check that it can
   * write; readers ignore them (one a crash left behind is harmless).
   */
  public static final String PROBE = "_probe/";

  /** Top-level prefix of the archive's encryption keys: its data keyset, version by version. */
  public static final String KEYS = "_keys/";

  private static final String KEYSET_PREFIX = KEYS + "keyset/";

  private static final String MANIFEST_SUFFIX = ".manifest.json";

  /** How every segment key ends. */
  public static final String SEGMENT_SUFFIX = ".seg";

  private static final String SEG = "[0-9a-f]{16}";
  private static final String PART = "[0-9a-f]{8}";
  private static final String NAME = "[A-Za-z0-9%._-]+";
  private static final Pattern MANIFEST =
      Pattern.compile(
          "(" + NAME + ")/wal/(" + NAME + ")/(" + PART + ")/(" + SEG + ")\\.manifest\\.json");
  private static final Pattern SEGMENT =
      Pattern.compile(
          "(" + NAME + ")/wal/(" + NAME + ")/(" + PART + ")/(" + SEG + ")-([0-9a-f]{64})\\.seg");
  private static final Pattern STREAM_INDEX =
      Pattern.compile("(" + NAME + ")/streams/(" + NAME + ")/(" + PART + ")");
  private static final Pattern CATALOG_ENTRY =
      Pattern.compile("(" + NAME + ")/catalog/(" + SEG + ")\\.json");
  private static final Pattern SNAPSHOT =
      Pattern.compile("(" + NAME + ")/snapshots/(" + SEG + ")\\.snapshot\\.json");
  private static final Pattern SNAPSHOT_CHUNK =
      Pattern.compile("(" + NAME + ")/snapshot-chunks/([0-9a-f]{64})\\.chunk");
  private static final Pattern RETENTION =
      Pattern.compile("(" + NAME + ")/retention/(" + SEG + ")\\.retention\\.json");
  private static final Pattern LEASE =
      Pattern.compile("(" + NAME + ")/leases/(" + NAME + ")-(" + SEG + ")\\.lease\\.json");
  private static final Pattern LOCK =
      Pattern.compile("(" + NAME + ")/locks/(" + SEG + ")\\.lock\\.json");
  private static final Pattern MANIFEST_SIGNATURE =
      Pattern.compile(
          "(" + NAME + ")/wal/(" + NAME + ")/(" + PART + ")/(" + SEG + ")\\.([0-9a-f]{64})\\.sig");
  private static final Pattern CATALOG_SIGNATURE =
      Pattern.compile("(" + NAME + ")/catalog/(" + SEG + ")\\.([0-9a-f]{64})\\.sig");
  private static final Pattern KEYSET = Pattern.compile("_keys/keyset/(" + SEG + ")\\.json");
  private static final Pattern PARTITION_INDEX_ENTRY =
      Pattern.compile("_partitions/(" + NAME + ")/(" + PART + ")/(" + NAME + ")");

  private ArchiveLayout() {}

  /** The prefix of every object of a stream's chain. */
  public static String streamPrefix(StreamId stream) {
    return database(stream.database())
        + "wal/"
        + topic(stream.topic())
        + partition(stream.partition());
  }

  public static String manifestKey(StreamId stream, long seq) {
    return streamPrefix(stream) + seq(seq) + MANIFEST_SUFFIX;
  }

  public static String segmentKey(StreamId stream, long seq, String sha256) {
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("Cannot build segment key: bad sha256 '" + sha256 + "'");
    }
    return streamPrefix(stream) + seq(seq) + "-" + sha256 + SEGMENT_SUFFIX;
  }

  /** The prefix listing the stream catalog of a database. */
  public static String catalogPrefix(String database) {
    return database(database) + "catalog/";
  }

  /** Entry {@code seq} of a database's stream catalog. */
  public static String catalogKey(String database, long seq) {
    return catalogPrefix(database) + String.format("%016x", checkedSeq(seq)) + ".json";
  }

  /** The prefix of every WAL object (manifests and segments) of a database. */
  public static String walPrefix(String database) {
    return database(database) + "wal/";
  }

  /** The prefix listing the stream index entries of a database. */
  public static String databaseStreamsPrefix(String database) {
    return database(database) + "streams/";
  }

  public static String streamIndexKey(StreamId stream) {
    return databaseStreamsPrefix(stream.database())
        + topic(stream.topic())
        + String.format("%08x", stream.partition());
  }

  /** The prefix listing the stream index entries of a source partition. */
  public static String partitionIndexPrefix(String topic, int partition) {
    return PARTITION_INDEX + topic(topic) + partition(partition);
  }

  public static String partitionIndexKey(StreamId stream) {
    return partitionIndexPrefix(stream.topic(), stream.partition())
        + Names.encode("database", stream.database());
  }

  /** The prefix of a database's snapshot manifests, which list in LSN order. */
  public static String snapshotPrefix(String database) {
    return database(database) + "snapshots/";
  }

  /** The key of the snapshot manifest of {@code database}'s state at {@code lsn} (not negative). */
  public static String snapshotKey(String database, long lsn) {
    if (lsn < 0) {
      throw new IllegalArgumentException(
          "Cannot build a snapshot key for negative lsn " + lsn + ": snapshots need lsn >= 0");
    }
    return snapshotPrefix(database) + String.format("%016x", lsn) + ".snapshot.json";
  }

  /** The prefix of a database's snapshot chunks. */
  public static String snapshotChunkPrefix(String database) {
    return database(database) + "snapshot-chunks/";
  }

  /** The key of a snapshot chunk of {@code database} whose stored bytes hash to {@code sha256}. */
  public static String snapshotChunkKey(String database, String sha256) {
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("Cannot build a chunk key: bad sha256 " + sha256);
    }
    return snapshotChunkPrefix(database) + sha256 + ".chunk";
  }

  /** The prefix of a database's retention records, which list in floor order. */
  public static String retentionPrefix(String database) {
    return database(database) + "retention/";
  }

  /**
   * The key of the retention record that expires everything of {@code database} before its snapshot
   * at {@code snapshotLsn}.
   */
  public static String retentionKey(String database, long snapshotLsn) {
    if (snapshotLsn < 0) {
      throw new IllegalArgumentException(
          "Cannot build a retention key for negative lsn " + snapshotLsn);
    }
    return retentionPrefix(database) + String.format("%016x", snapshotLsn) + ".retention.json";
  }

  /** The prefix of a database's leases. */
  public static String leasePrefix(String database) {
    return database(database) + "leases/";
  }

  /**
   * The key of a lease of {@code holder} on {@code database} that expires at {@code expiryMicros}
   * (each renewal is a new key, so a lease is never overwritten).
   */
  public static String leaseKey(String database, String holder, long expiryMicros) {
    if (expiryMicros < 0) {
      throw new IllegalArgumentException("Cannot build a lease key for negative expiry");
    }
    return leasePrefix(database)
        + Names.encode("holder", holder)
        + "-"
        + String.format("%016x", expiryMicros)
        + ".lease.json";
  }

  /** The prefix of a database's maintenance locks, which list in generation order. */
  public static String lockPrefix(String database) {
    return database(database) + "locks/";
  }

  /** The key of generation {@code generation} of {@code database}'s maintenance lock. */
  public static String lockKey(String database, long generation) {
    return lockPrefix(database) + String.format("%016x", checkedSeq(generation)) + ".lock.json";
  }

  /** The key of a startup write check of writer {@code writerId}, unique by {@code nonce}. */
  public static String probeKey(String writerId, String nonce) {
    return PROBE + Names.encode("writer", writerId) + "-" + Names.encode("nonce", nonce);
  }

  /**
   * The key of the signature of the manifest or catalog entry stored at {@code signedKey} whose
   * bytes hash to {@code sha256}: beside it, named by its content, so that a manifest's canonical
   * bytes stay as they are and a losing writer's signature never takes the winner's place.
   *
   * @throws IllegalArgumentException when {@code signedKey} is neither a manifest's nor a catalog
   *     entry's key
   */
  public static String signatureKey(String signedKey, String sha256) {
    String base;
    if (signedKey.endsWith(MANIFEST_SUFFIX) && MANIFEST.matcher(signedKey).matches()) {
      base = signedKey.substring(0, signedKey.length() - MANIFEST_SUFFIX.length());
    } else if (CATALOG_ENTRY.matcher(signedKey).matches()) {
      base = signedKey.substring(0, signedKey.length() - ".json".length());
    } else {
      throw new IllegalArgumentException("Cannot sign " + signedKey + ": not a manifest or entry");
    }
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("Cannot build signature key: bad sha256 " + sha256);
    }
    return base + "." + sha256 + ".sig";
  }

  /** The prefix of every version of the archive's data keyset. */
  public static String keysetPrefix() {
    return KEYSET_PREFIX;
  }

  /** The key of version {@code version} of the archive's data keyset. */
  public static String keysetKey(long version) {
    return KEYSET_PREFIX + seq(version) + ".json";
  }

  /** The version of the keyset stored at {@code key}, or empty when it is no keyset's key. */
  public static java.util.OptionalLong keysetVersion(String key) {
    Matcher m = KEYSET.matcher(key);
    return m.matches()
        ? java.util.OptionalLong.of(hex(m.group(1)))
        : java.util.OptionalLong.empty();
  }

  /** What a key is, when it is one the archive writes. */
  public static Optional<ArchiveKey> parse(String key) {
    try {
      Matcher m = MANIFEST.matcher(key);
      if (m.matches()) {
        return Optional.of(new ArchiveKey.Manifest(stream(m, 1, 2, 3), hex(m.group(4))));
      }
      m = SEGMENT.matcher(key);
      if (m.matches()) {
        return Optional.of(new ArchiveKey.Segment(stream(m, 1, 2, 3), hex(m.group(4)), m.group(5)));
      }
      m = STREAM_INDEX.matcher(key);
      if (m.matches()) {
        return Optional.of(new ArchiveKey.StreamIndex(stream(m, 1, 2, 3)));
      }
      m = CATALOG_ENTRY.matcher(key);
      if (m.matches()) {
        return Optional.of(new ArchiveKey.Catalog(Names.decode(m.group(1)), hex(m.group(2))));
      }
      m = SNAPSHOT.matcher(key);
      if (m.matches()) {
        return Optional.of(new ArchiveKey.Snapshot(Names.decode(m.group(1)), hex(m.group(2))));
      }
      m = SNAPSHOT_CHUNK.matcher(key);
      if (m.matches()) {
        return Optional.of(new ArchiveKey.SnapshotChunk(Names.decode(m.group(1)), m.group(2)));
      }
      m = RETENTION.matcher(key);
      if (m.matches()) {
        return Optional.of(new ArchiveKey.Retention(Names.decode(m.group(1)), hex(m.group(2))));
      }
      m = LEASE.matcher(key);
      if (m.matches()) {
        return Optional.of(
            new ArchiveKey.Lease(
                Names.decode(m.group(1)), Names.decode(m.group(2)), hex(m.group(3))));
      }
      m = LOCK.matcher(key);
      if (m.matches()) {
        return Optional.of(new ArchiveKey.Lock(Names.decode(m.group(1)), hex(m.group(2))));
      }
      m = PARTITION_INDEX_ENTRY.matcher(key);
      if (m.matches()) {
        return Optional.of(new ArchiveKey.PartitionIndex(stream(m, 3, 1, 2)));
      }
    } catch (IllegalArgumentException | InvalidNameException e) {
      // Looks like an archive key but does not decode: not one the archive writes.
      return Optional.empty();
    }
    return parseSignature(key);
  }

  private static Optional<ArchiveKey> parseSignature(String key) {
    try {
      Matcher m;
      m = MANIFEST_SIGNATURE.matcher(key);
      if (m.matches()) {
        return Optional.of(
            new ArchiveKey.ManifestSignature(stream(m, 1, 2, 3), hex(m.group(4)), m.group(5)));
      }
      m = CATALOG_SIGNATURE.matcher(key);
      if (m.matches()) {
        return Optional.of(
            new ArchiveKey.CatalogSignature(Names.decode(m.group(1)), hex(m.group(2)), m.group(3)));
      }
    } catch (IllegalArgumentException | InvalidNameException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static StreamId stream(Matcher m, int database, int topic, int partition) {
    return new StreamId(
        Names.decode(m.group(database)),
        Names.decode(m.group(topic)),
        Integer.parseUnsignedInt(m.group(partition), 16));
  }

  private static long hex(String digits) {
    return Long.parseUnsignedLong(digits, 16);
  }

  private static String database(String database) {
    return Names.encode("database", database) + "/";
  }

  private static String topic(String topic) {
    return Names.encode("topic", topic) + "/";
  }

  private static String partition(int partition) {
    return String.format("%08x/", partition);
  }

  private static String seq(long seq) {
    return String.format("%016x", checkedSeq(seq));
  }

  private static long checkedSeq(long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("Cannot build key for negative seq " + seq);
    }
    return seq;
  }
}
