package io.walstream.archive.format;

import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import java.util.List;
import java.util.Objects;

/**
 * A retention record: the commit signal of a retention run (docs/FORMAT.md section 10). Once it is
 * stored, everything of the database before its snapshot is expired: snapshots with a lower lsn
 * and, per stream, the manifests and segments below the floor seq. Readers start each chain at its
 * floor and never read below it; an object below the floor that is still there is expired (awaiting
 * deletion), one that is gone is expired, never missing. Claimed with put-if-absent at {@link
 * ArchiveLayout#retentionKey} before anything is deleted.
 *
 * @param database the database
 * @param snapshot the snapshot that justifies the expiry: the new oldest restore point
 * @param streams per stream the snapshot covers, the first seq kept and what a reader needs there
 * @param writerVersion the version of walstream that wrote the record
 * @param writerId who wrote it
 */
public record Retention(
    String database,
    SnapshotRef snapshot,
    List<StreamFloor> streams,
    String writerVersion,
    String writerId) {

  /** The only retention record format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  public Retention {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(snapshot, "snapshot");
    streams = List.copyOf(streams);
    if (writerVersion == null || writerId == null) {
      throw new IllegalArgumentException(
          "Cannot build retention record of " + database + ": writerVersion and writerId required");
    }
    if (!snapshot.key().equals(ArchiveLayout.snapshotKey(database, snapshot.lsn()))) {
      throw new IllegalArgumentException(
          "Cannot build retention record of "
              + database
              + ": snapshot key "
              + snapshot.key()
              + " is not the key of its lsn "
              + snapshot.lsn());
    }
  }

  /** The key this record is stored at. */
  public String key() {
    return ArchiveLayout.retentionKey(database, snapshot.lsn());
  }

  /** The floor of {@code stream}, or null when the record expires nothing of it. */
  public StreamFloor floorOf(StreamId stream) {
    for (StreamFloor floor : streams) {
      if (floor.stream(database).equals(stream)) {
        return floor;
      }
    }
    return null;
  }

  /** The first seq of {@code stream} a reader may read: its floor, or 0. */
  public long firstSeq(StreamId stream) {
    StreamFloor floor = floorOf(stream);
    return floor == null ? 0 : floor.seq();
  }

  /** Whether this record expires the same things as {@code other} (who wrote it aside). */
  public boolean sameExpiry(Retention other) {
    return database.equals(other.database)
        && snapshot.equals(other.snapshot)
        && streams.equals(other.streams);
  }

  /**
   * The snapshot a retention record is justified by.
   *
   * @param key its key
   * @param lsn its lsn: the oldest lsn a restore can reach
   * @param sha256 SHA-256 of its stored bytes
   * @param commitTime its commit time (microseconds, UTC)
   * @param maxCommitTime its latest commit time: the oldest time a restore can reach
   */
  public record SnapshotRef(
      String key, long lsn, String sha256, long commitTime, long maxCommitTime) {
    public SnapshotRef {
      Objects.requireNonNull(key, "key");
      if (lsn < 0 || !Sha256.isHex(sha256) || maxCommitTime < commitTime) {
        throw new IllegalArgumentException(
            "Cannot build retention snapshot reference " + key + ": bad lsn, hash or times");
      }
    }
  }

  /**
   * The floor of one stream: manifests and segments below {@code seq} are expired; the manifest at
   * {@code seq} is kept and hashes to {@code manifestSha256} (the snapshot's covered position), and
   * {@code last} and {@code lastSourceOffset} are the last record up to and including it (what a
   * writer resuming after a gap there needs).
   */
  public record StreamFloor(
      String topic,
      int partition,
      long seq,
      String manifestSha256,
      Position last,
      long lastSourceOffset) {
    public StreamFloor {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(last, "last");
      if (seq < 0 || !Sha256.isHex(manifestSha256) || lastSourceOffset < 0) {
        throw new IllegalArgumentException(
            "Cannot build retention floor of "
                + topic
                + "-"
                + partition
                + ": bad seq, hash or offset");
      }
    }

    /** The stream, in {@code database}. */
    public StreamId stream(String database) {
      return new StreamId(database, topic, partition);
    }
  }
}
