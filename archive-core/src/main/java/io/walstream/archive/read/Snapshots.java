package io.walstream.archive.read;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.EnvelopeHeader;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.format.SnapshotChunks;
import io.walstream.archive.format.SnapshotCodec;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.schemas.avro.SnapshotRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The snapshots of a database: listing them in LSN order, reading one, and reading a chunk's rows
 * after checking its size and hash against the snapshot that names it.
 */
public final class Snapshots {
  private final ArchiveReader reader;

  public Snapshots(ArchiveReader reader) {
    this.reader = reader;
  }

  /**
   * The retained snapshots of {@code database}, in LSN order, each decoded and checked to be stored
   * at the key its database and lsn make: those at or after its retention record's floor snapshot
   * (the ones before it are expired, whether or not retention has deleted them yet).
   *
   * @throws IntegrityException naming the key of a snapshot manifest that does not decode
   */
  public List<StoredSnapshot> list(String database) {
    long floor = reader.retention(database).map(r -> r.snapshot().lsn()).orElse(-1L);
    return listAll(database).stream().filter(s -> s.snapshot().lsn() >= floor).toList();
  }

  /**
   * Every snapshot manifest of {@code database} still stored, expired or not, in LSN order (for
   * what must keep their chunks: gc, retention).
   *
   * @throws IntegrityException naming the key of a snapshot manifest that does not decode
   */
  public List<StoredSnapshot> listAll(String database) {
    List<String> keys = new ArrayList<>();
    reader.forEachKey(
        ArchiveLayout.snapshotPrefix(database),
        object -> {
          if (ArchiveLayout.parse(object.key()).orElse(null) instanceof ArchiveKey.Snapshot s
              && s.database().equals(database)) {
            keys.add(object.key());
          }
        });
    List<StoredSnapshot> snapshots = new ArrayList<>();
    for (String key : keys) {
      read(key).ifPresent(snapshots::add);
    }
    return snapshots;
  }

  /** The latest snapshot of {@code database} that {@code usable} accepts, if any. */
  public Optional<StoredSnapshot> latest(String database, Predicate<Snapshot> usable) {
    List<StoredSnapshot> all = list(database);
    for (int i = all.size() - 1; i >= 0; i--) {
      if (usable.test(all.get(i).snapshot())) {
        return Optional.of(all.get(i));
      }
    }
    return Optional.empty();
  }

  /** The snapshot manifest stored at {@code key}; empty when there is none. */
  public Optional<StoredSnapshot> read(String key) {
    Optional<byte[]> bytes = reader.store().readAll(key);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    Snapshot snapshot = SnapshotCodec.decode(bytes.get(), key);
    if (!snapshot.key().equals(key)) {
      throw new IntegrityException(
          key,
          "Cannot read snapshot "
              + key
              + ": it is the snapshot of "
              + snapshot.database()
              + " at lsn "
              + snapshot.lsn()
              + ", stored in another's place");
    }
    return Optional.of(new StoredSnapshot(key, snapshot, Sha256.hex(bytes.get())));
  }

  /**
   * The rows of {@code chunk} of {@code snapshot}, after checking the stored bytes' size, hash and
   * declared encryption, decrypted with the reader's keys when the chunk is encrypted.
   *
   * @throws IntegrityException naming the chunk key when it is missing, differs or does not decode
   * @throws io.walstream.archive.error.KeyUnavailableException when it is encrypted and the
   *     reader's keys cannot decrypt it
   */
  public List<SnapshotRow> rows(Snapshot snapshot, Snapshot.Chunk chunk) {
    String key = chunk.key();
    byte[] plain =
        EnvelopeHeader.plaintext(
            stored(snapshot, chunk),
            "the snapshot",
            chunk.encryption(),
            Snapshot.Chunk.place(snapshot.key(), snapshot.chunks().indexOf(chunk)),
            key,
            reader.keys());
    List<SnapshotRow> rows =
        SnapshotChunks.read(plain, key, snapshot.database(), chunk.table(), snapshot.lsn());
    if (rows.size() != chunk.rows()) {
      throw new IntegrityException(
          key,
          "Cannot read snapshot chunk "
              + key
              + ": "
              + rows.size()
              + " rows, the snapshot says "
              + chunk.rows());
    }
    return rows;
  }

  /**
   * Checks what needs no key: the chunk is stored with the size and hash its snapshot records, and
   * its first bytes declare the encryption the snapshot does.
   *
   * @throws IntegrityException naming the chunk key when it does not
   */
  public void checkStored(Snapshot snapshot, Snapshot.Chunk chunk) {
    String key = chunk.key();
    EnvelopeHeader.Declared declared =
        EnvelopeHeader.read(new java.io.ByteArrayInputStream(stored(snapshot, chunk)), key);
    String mismatch =
        EnvelopeHeader.mismatch("the snapshot", chunk.encryption(), declared.header());
    if (mismatch != null) {
      throw new IntegrityException(key, "Cannot read snapshot chunk " + key + ": " + mismatch);
    }
  }

  private byte[] stored(Snapshot snapshot, Snapshot.Chunk chunk) {
    String key = chunk.key();
    byte[] bytes =
        reader
            .store()
            .readAll(key)
            .orElseThrow(
                () ->
                    new IntegrityException(
                        key,
                        "Cannot read snapshot "
                            + snapshot.key()
                            + ": its chunk "
                            + key
                            + " is missing"));
    String sha = Sha256.hex(bytes);
    if (bytes.length != chunk.byteSize() || !sha.equals(chunk.sha256())) {
      throw new IntegrityException(
          key,
          "Cannot read snapshot chunk "
              + key
              + ": "
              + bytes.length
              + " bytes with sha256 "
              + sha
              + ", the snapshot says "
              + chunk.byteSize()
              + " bytes with sha256 "
              + chunk.sha256()
              + " (SNAPSHOT_CHUNK_MISMATCH)");
    }
    return bytes;
  }
}
