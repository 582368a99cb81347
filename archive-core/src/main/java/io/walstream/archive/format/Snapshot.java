package io.walstream.archive.format;

import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.schemas.value.ValueType;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot manifest: the full state of one database at a transaction boundary ({@code lsn}),
 * built from the archive, as row chunks plus what a restore needs to go on from it. Claimed with
 * put-if-absent at {@link ArchiveLayout#snapshotKey}; its canonical JSON ({@link SnapshotCodec}) is
 * what the next snapshot's {@code prevSnapshotSha256} hashes. See docs/FORMAT.md, section 8.
 *
 * @param database the database
 * @param lsn every complete transaction with an lsn up to this one is in, none after it
 * @param commitTime commit time of the transaction at {@code lsn} (microseconds, UTC)
 * @param maxCommitTime the latest commit time of any transaction in the snapshot
 * @param streams per stream, the last manifest the snapshot covers wholly
 * @param catalog the stream catalog entry the database had reached
 * @param tables every table a restore to {@code lsn} creates, with its columns and totals
 * @param chunks the row chunks, table by table
 * @param incomplete incomplete transactions up to {@code lsn}, left out as a restore leaves them
 * @param gaps recorded gaps the snapshot crossed (only when built accepting gaps)
 * @param prevSnapshotSha256 SHA-256 of the snapshot it was built from, or null when from scratch
 */
public record Snapshot(
    String database,
    long lsn,
    long commitTime,
    long maxCommitTime,
    List<StreamPosition> streams,
    CatalogPosition catalog,
    List<Table> tables,
    List<Chunk> chunks,
    Incomplete incomplete,
    List<GapCrossed> gaps,
    String prevSnapshotSha256,
    String writerVersion,
    String writerId) {

  /** The format version of a snapshot whose chunks are all plaintext. */
  public static final int FORMAT_VERSION = 1;

  /**
   * The format version of a snapshot with an encrypted chunk: each chunk entry then declares its
   * encryption (docs/FORMAT.md §8, §12). A plaintext snapshot is written as version 1, unchanged.
   */
  public static final int ENCRYPTED_FORMAT_VERSION = 2;

  /** The format version this snapshot is written with: 2 when a chunk is encrypted, else 1. */
  public int formatVersion() {
    return chunks.stream().anyMatch(c -> c.encryption() != null)
        ? ENCRYPTED_FORMAT_VERSION
        : FORMAT_VERSION;
  }

  public Snapshot {
    Objects.requireNonNull(database, "database");
    if (lsn < 0) {
      throw new IllegalArgumentException("Cannot build snapshot of " + database + ": lsn < 0");
    }
    if (maxCommitTime < commitTime) {
      throw new IllegalArgumentException(
          "Cannot build snapshot of " + database + ": maxCommitTime before commitTime");
    }
    streams = List.copyOf(streams);
    tables = List.copyOf(tables);
    chunks = List.copyOf(chunks);
    gaps = List.copyOf(gaps);
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(incomplete, "incomplete");
    if (prevSnapshotSha256 != null && !Sha256.isHex(prevSnapshotSha256)) {
      throw new IllegalArgumentException(
          "Cannot build snapshot of " + database + ": prevSnapshotSha256 is not 64 hex digits");
    }
    if (writerVersion == null || writerId == null) {
      throw new IllegalArgumentException(
          "Cannot build snapshot of " + database + ": writerVersion and writerId are required");
    }
    for (Chunk chunk : chunks) {
      if (!chunk.key().equals(ArchiveLayout.snapshotChunkKey(database, chunk.sha256()))) {
        throw new IllegalArgumentException(
            "Cannot build snapshot of "
                + database
                + ": chunk key "
                + chunk.key()
                + " is not "
                + "the one its hash makes");
      }
    }
  }

  /** The key this snapshot is stored at. */
  public String key() {
    return ArchiveLayout.snapshotKey(database, lsn);
  }

  /** The rows in all tables. */
  public long rows() {
    return tables.stream().mapToLong(Table::rows).sum();
  }

  /** The bytes of all chunks as stored. */
  public long bytes() {
    return chunks.stream().mapToLong(Chunk::byteSize).sum();
  }

  /** The covered position of {@code stream}, or null when the snapshot covers none of it. */
  public StreamPosition positionOf(StreamId stream) {
    for (StreamPosition position : streams) {
      if (position.stream(database).equals(stream)) {
        return position;
      }
    }
    return null;
  }

  /**
   * How far the snapshot covers one stream: manifests 0 to {@code seq} wholly, the manifest at
   * {@code seq} hashing to {@code manifestSha256}; {@code last} is the position of the last record
   * of those manifests. Records of later manifests up to the snapshot's lsn are in it too.
   */
  public record StreamPosition(
      String topic, int partition, long seq, String manifestSha256, Position last) {
    public StreamPosition {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(last, "last");
      if (seq < 0 || !Sha256.isHex(manifestSha256)) {
        throw new IllegalArgumentException(
            "Cannot build snapshot position of " + topic + "-" + partition + ": bad seq or hash");
      }
    }

    /** The stream, in {@code database}. */
    public StreamId stream(String database) {
      return new StreamId(database, topic, partition);
    }
  }

  /** The last entry of the database's stream catalog the snapshot saw, and its hash. */
  public record CatalogPosition(long seq, String sha256) {
    public CatalogPosition {
      if (seq < 0 || !Sha256.isHex(sha256)) {
        throw new IllegalArgumentException("Cannot build catalog position: bad seq or hash");
      }
    }
  }

  /** A column and the kind of the first value a restore saw in it, which typed it. */
  public record Column(String name, ValueType type) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }

  /**
   * A table as a restore to the snapshot's lsn leaves it: its key columns (the primary key, in name
   * order), every column in the order the restore added them (key columns first), its rows and the
   * stored bytes of its chunks.
   */
  public record Table(String name, List<Column> keys, List<Column> columns, long rows, long bytes) {
    public Table {
      Objects.requireNonNull(name, "name");
      keys = List.copyOf(keys);
      columns = List.copyOf(columns);
      if (rows < 0 || bytes < 0) {
        throw new IllegalArgumentException("Cannot build snapshot table " + name + ": negative");
      }
    }
  }

  /**
   * A chunk of one table's rows: its key, the SHA-256 and size of its stored bytes, its rows, and
   * how it is encrypted (null when plaintext).
   */
  public record Chunk(
      String table,
      String key,
      String sha256,
      long byteSize,
      long rows,
      Manifest.Encryption encryption) {
    /** A plaintext chunk. */
    public Chunk(String table, String key, String sha256, long byteSize, long rows) {
      this(table, key, sha256, byteSize, rows, null);
    }

    /** What a chunk's ciphertext is bound to: its snapshot's manifest key and its index there. */
    public static String place(String snapshotKey, int index) {
      return snapshotKey + "#" + index;
    }

    public Chunk {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(key, "key");
      if (!Sha256.isHex(sha256) || byteSize <= 0 || rows <= 0) {
        throw new IllegalArgumentException("Cannot build snapshot chunk " + key + ": bad values");
      }
    }
  }

  /** Incomplete transactions left out: how many, their records, the first lsns of them. */
  public record Incomplete(long transactions, long records, List<Long> lsns) {
    public static final Incomplete NONE = new Incomplete(0, 0, List.of());

    public Incomplete {
      lsns = List.copyOf(lsns);
    }
  }

  /** A recorded gap a snapshot crossed: the gap manifest's stream and seq, the offsets missing. */
  public record GapCrossed(
      String topic, int partition, long seq, long firstOffset, long lastOffset) {
    public GapCrossed {
      Objects.requireNonNull(topic, "topic");
    }
  }
}
