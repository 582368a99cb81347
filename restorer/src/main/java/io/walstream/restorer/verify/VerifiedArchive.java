package io.walstream.restorer.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.verify.DatabaseStreams;
import io.walstream.restorer.plan.StreamChain;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the archive for a restore and fails closed (DESIGN invariant 4): every manifest of a chain
 * is read in order and its link to the previous one checked before planning; every segment's size
 * and hash are checked before any of its records are handed out. Any finding is an {@link
 * IntegrityException} naming the key.
 */
public final class VerifiedArchive {
  private final ArchiveReader reader;

  public VerifiedArchive(ArchiveReader reader) {
    this.reader = reader;
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
    DatabaseStreams.Resolution streams = new DatabaseStreams(reader).resolve(database);
    streams.requireClean("Cannot restore " + database);
    List<StreamChain> chains = new ArrayList<>();
    for (StreamId stream : streams.catalogued()) {
      chains.add(chain(stream));
    }
    return chains;
  }

  /** One stream's chain from seq 0 to its head, links verified. */
  public StreamChain chain(StreamId stream) {
    StreamHead head = reader.loadHead(stream);
    List<StoredManifest> manifests = new ArrayList<>();
    String previousSha = null;
    for (long seq = 0; seq <= head.seq(); seq++) {
      long s = seq;
      StoredManifest stored =
          reader
              .readManifest(stream, seq)
              .orElseThrow(
                  () ->
                      new IntegrityException(
                          ArchiveLayout.manifestKey(stream, s),
                          "Cannot restore " + stream + ": manifest " + s + " is missing"));
      String prev = stored.manifest().prevManifestSha256();
      if (seq > 0 && !previousSha.equals(prev)) {
        throw new IntegrityException(
            stored.key(),
            "Cannot restore from "
                + stored.key()
                + ": chain link mismatch (prevManifestSha256 "
                + prev
                + ", previous manifest hashes to "
                + previousSha
                + ")");
      }
      previousSha = stored.sha256();
      manifests.add(stored);
    }
    return new StreamChain(stream, manifests);
  }

  /**
   * A segment's bytes, after checking its size and hash against the manifest; its records are read
   * with {@link SegmentRecords}.
   */
  public byte[] segment(Manifest manifest) {
    String key = manifest.segmentKey();
    byte[] bytes =
        reader
            .store()
            .readAll(key)
            .orElseThrow(
                () ->
                    new IntegrityException(
                        key, "Cannot restore from " + key + ": segment is missing"));
    if (bytes.length != manifest.byteSize()) {
      throw new IntegrityException(
          key,
          "Cannot restore from "
              + key
              + ": "
              + bytes.length
              + " bytes, manifest says "
              + manifest.byteSize());
    }
    String sha = Sha256.hex(bytes);
    if (!sha.equals(manifest.segmentSha256())) {
      throw new IntegrityException(
          key,
          "Cannot restore from "
              + key
              + ": segment hash mismatch (sha256 "
              + sha
              + ", manifest says "
              + manifest.segmentSha256()
              + ")");
    }
    return bytes;
  }
}
