package io.walstream.restorer.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Retention;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.verify.ChainWalk;
import io.walstream.archive.verify.DatabaseStreams;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.verify.SegmentRecordCheck;
import io.walstream.restorer.plan.StreamChain;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the archive for a restore and fails closed (DESIGN invariant 4), under the rules {@code
 * verify} reports (archive-core's {@link DatabaseStreams}, {@link ChainWalk} and {@link
 * SegmentRecordCheck}, one implementation for both): the database's streams agree with its catalog;
 * every manifest of a chain is read in order and checked (place, format, link, order) before
 * planning; every segment's size and hash are checked before any of its records are handed out, and
 * each record as it is decoded. Any error is an {@link IntegrityException} naming the key.
 */
public final class VerifiedArchive {
  private final ArchiveReader reader;

  public VerifiedArchive(ArchiveReader reader) {
    this.reader = reader;
  }

  /** The reader this archive reads through. */
  public ArchiveReader reader() {
    return reader;
  }

  /**
   * The chains of every stream of {@code database}, links verified. The streams are those its
   * catalog names, after checking that the catalog, the WAL objects and the index entries agree
   * (the same {@link DatabaseStreams} resolution {@code verify} reports): a restore must not leave
   * out a stream whose index entry was removed, nor include one that was put there.
   *
   * @throws IntegrityException naming the key of the first problem with the set of streams
   */
  public List<StreamChain> chains(String database) {
    return chains(database, reader.retention(database).orElse(null));
  }

  /**
   * As {@link #chains(String)}, each chain starting at {@code retention}'s floor (from seq 0 when
   * it is null or expires nothing of the stream).
   */
  public List<StreamChain> chains(String database, Retention retention) {
    DatabaseStreams.Resolution streams = new DatabaseStreams(reader).resolveSettled(database);
    streams.requireClean("Cannot restore " + database);
    List<StreamChain> chains = new ArrayList<>();
    for (StreamId stream : streams.catalogued()) {
      chains.add(chain(stream, retention));
    }
    return chains;
  }

  /**
   * One stream's chain from its first retained seq (0, or the floor of its database's retention
   * record) to its head, every manifest checked as {@code verify} does.
   */
  public StreamChain chain(StreamId stream) {
    return chain(stream, reader.retention(stream.database()).orElse(null));
  }

  private StreamChain chain(StreamId stream, Retention retention) {
    StreamHead head = reader.loadHead(stream);
    ChainWalk walk = ChainWalk.of(stream, retention);
    List<StoredManifest> manifests = new ArrayList<>();
    for (long seq = walk.firstSeq(); seq <= head.seq(); seq++) {
      String key = ArchiveLayout.manifestKey(stream, seq);
      Optional<byte[]> bytes = reader.store().readAll(key);
      if (bytes.isEmpty()) {
        throw new IntegrityException(
            key, "Cannot restore " + stream + ": manifest " + seq + " (" + key + ") is missing");
      }
      reader.signatures().require(reader.store(), key, bytes.get(), "Cannot restore " + stream);
      ChainWalk.Step step = walk.accept(key, seq, bytes.get());
      Finding error = step.firstError();
      if (error != null) {
        throw error.toException("Cannot restore");
      }
      manifests.add(step.manifest());
    }
    return new StreamChain(stream, manifests);
  }

  /**
   * A segment's bytes, after checking its size and hash against the manifest; its records are read
   * (and checked one by one) with {@link SegmentRecords}.
   */
  public byte[] segment(Manifest.Segment manifest) {
    String key = manifest.segment().key();
    byte[] bytes =
        reader
            .store()
            .readAll(key)
            .orElseThrow(
                () ->
                    new IntegrityException(
                        key, "Cannot restore from " + key + ": segment is missing"));
    List<Finding> findings =
        SegmentRecordCheck.stored(key, manifest, bytes.length, Sha256.hex(bytes));
    if (!findings.isEmpty()) {
      throw findings.get(0).toException("Cannot restore");
    }
    return bytes;
  }
}
