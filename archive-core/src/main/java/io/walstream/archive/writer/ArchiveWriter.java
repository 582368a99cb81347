package io.walstream.archive.writer;

import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.crypto.ManifestSigner;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.OutcomeUnknownException;
import io.walstream.archive.format.EncodedRecord;
import io.walstream.archive.format.EncodedSegment;
import io.walstream.archive.format.EnvelopeHeader;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestCodec;
import io.walstream.archive.format.Position;
import io.walstream.archive.format.SegmentFormat;
import io.walstream.archive.format.SegmentSummary;
import io.walstream.archive.format.SegmentWriter;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.PutOutcome;
import io.walstream.schemas.Version;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The commit protocol (DESIGN invariants 1 and 2): encode the segment, put it under its
 * content-addressed key, then claim the manifest key of {@code head.seq + 1} with put-if-absent.
 * The manifest is the commit; a segment no manifest names is an uncommitted leftover. Nothing is
 * ever overwritten: a lost claim returns {@link CommitResult.Conflict} with the current head.
 */
public final class ArchiveWriter {
  private static final com.fasterxml.jackson.databind.ObjectMapper INDEX_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final ObjectStore store;
  private final ArchiveReader reader;
  private final String writerId;
  private final int zstdLevel;
  private final CatalogAppender catalog;
  private final Keyring keys;
  private final ManifestSigner signer;

  /** A writer compressing segments at the default level, {@link SegmentFormat#ZSTD_LEVEL}. */
  public ArchiveWriter(ObjectStore store, String writerId) {
    this(store, writerId, SegmentFormat.ZSTD_LEVEL);
  }

  /**
   * A writer compressing segments at {@code zstdLevel}: any level the format accepts ({@link
   * SegmentFormat#MIN_ZSTD_LEVEL}..{@link SegmentFormat#MAX_ZSTD_LEVEL}); readers need not know it.
   */
  public ArchiveWriter(ObjectStore store, String writerId, int zstdLevel) {
    this(store, writerId, zstdLevel, Keyring.none());
  }

  /**
   * A writer that encrypts every segment under the primary data key of {@code keys} (docs/FORMAT.md
   * §12) when it holds keys, picking up a rotation from the next commit; plaintext otherwise.
   */
  public ArchiveWriter(ObjectStore store, String writerId, int zstdLevel, Keyring keys) {
    this(store, writerId, zstdLevel, keys, ManifestSigner.NONE);
  }

  /**
   * As {@link #ArchiveWriter(ObjectStore, String, int, Keyring)}, signing every manifest and
   * catalog entry it commits with {@code signer} (docs/FORMAT.md §13).
   */
  public ArchiveWriter(
      ObjectStore store, String writerId, int zstdLevel, Keyring keys, ManifestSigner signer) {
    if (writerId == null || writerId.isBlank()) {
      throw new IllegalArgumentException("Cannot create archive writer: empty writer id");
    }
    this.store = store;
    this.keys = keys;
    this.signer = signer;
    this.reader = new ArchiveReader(store, keys);
    this.writerId = writerId;
    this.zstdLevel = SegmentWriter.requireLevel(zstdLevel);
    this.catalog = new CatalogAppender(store, reader, writerId, signer);
  }

  public String writerId() {
    return writerId;
  }

  /** The committed head of {@code stream}; see {@link ArchiveReader#loadHead}. */
  public StreamHead loadHead(StreamId stream) {
    return reader.loadHead(stream);
  }

  /**
   * Commits {@code batch} as the next segment of {@code head}'s stream.
   *
   * @throws IllegalArgumentException when the batch does not follow the head (records not after its
   *     last lsn, offsets not after its last offset): committing it would break the chain
   */
  public CommitResult commit(StreamHead head, Batch batch) {
    requireFollows(head, batch);
    requireHeadPresent(head);
    StreamId stream = head.stream();
    long seq = head.nextSeq();
    EncodedSegment plain = SegmentWriter.encodeBodies(stream, seq, batch.records(), zstdLevel);
    Stored segment = seal(plain, stream, seq);
    SegmentSummary s = plain.summary();
    String segmentKey = ArchiveLayout.segmentKey(stream, seq, segment.sha256());
    // ALREADY_EXISTS is fine: the key is the content hash, so those are the same bytes.
    store.putIfAbsent(segmentKey, ObjectContent.ofBytes(segment.bytes()));
    // After the segment, the biggest write: a new stream is catalogued as close as can be to its
    // first manifest, so that readers see it catalogued without manifests for the shortest time.
    ensureIndexed(head);
    Manifest manifest =
        new Manifest.Segment(
            link(head),
            batch.topicId(),
            new Manifest.OffsetRange(
                batch.firstSourceOffset(), batch.lastSourceOffset(), batch.handledThroughOffset()),
            new Position(s.firstLsn(), s.firstTxIndex()),
            new Position(s.lastLsn(), s.lastTxIndex()),
            new Manifest.CommitTimes(s.minCommitTimeMicros(), s.maxCommitTimeMicros()),
            s.recordCount(),
            new Manifest.SegmentRef(
                segmentKey,
                segment.sha256(),
                segment.bytes().length,
                SegmentFormat.CODEC,
                segment.encryption(),
                s.schemaFingerprints()));
    CommitResult result = claim(head, manifest);
    if (result instanceof CommitResult.Committed && store.stat(segmentKey).isEmpty()) {
      // Collected as a leftover while this writer stalled between the put and the claim (gc
      // spares leftovers younger than its grace period, so only a stall longer than that can do
      // it): the bytes are still here, and the key is their hash.
      store.putIfAbsent(segmentKey, ObjectContent.ofBytes(segment.bytes()));
    }
    return result;
  }

  /** A segment's bytes as stored, their hash, and how they are encrypted (null: plaintext). */
  private record Stored(byte[] bytes, String sha256, Manifest.Encryption encryption) {}

  private Stored seal(EncodedSegment plain, StreamId stream, long seq) {
    if (!keys.hasKeys()) {
      return new Stored(plain.bytes(), plain.summary().sha256(), null);
    }
    keys.refreshIfChanged();
    // Bound to the manifest key of its seq: a ciphertext moved to another place fails to decrypt.
    Keyring.Sealed sealed = keys.encrypt(plain.bytes(), ArchiveLayout.manifestKey(stream, seq));
    return new Stored(
        sealed.bytes(),
        Sha256.hex(sealed.bytes()),
        new Manifest.Encryption(EnvelopeHeader.SCHEME, sealed.keyId()));
  }

  /**
   * Commits an explicit gap marker: source offsets {@code firstMissing..lastMissing} of the
   * stream's partition could not be read (e.g. removed by retention) and are reported, never
   * silently skipped.
   */
  public CommitResult commitGap(
      StreamHead head, long firstMissing, long lastMissing, long handledThroughOffset) {
    requireHeadPresent(head);
    ensureIndexed(head);
    Manifest manifest =
        new Manifest.Gap(
            link(head), new Manifest.OffsetRange(firstMissing, lastMissing, handledThroughOffset));
    return claim(head, manifest);
  }

  private Manifest.ChainLink link(StreamHead head) {
    return new Manifest.ChainLink(
        head.stream(), head.nextSeq(), head.manifestSha256(), Version.current(), writerId);
  }

  private CommitResult claim(StreamHead head, Manifest manifest) {
    String key = ArchiveLayout.manifestKey(head.stream(), manifest.seq());
    byte[] bytes = ManifestCodec.encode(manifest);
    byte[] existing = null;
    // Before the claim: a committed manifest of a signing writer always has its signature.
    signer.signBeforeClaim(store, key, bytes);
    try {
      if (store.putIfAbsent(key, ObjectContent.ofBytes(bytes)) == PutOutcome.CREATED) {
        return committed(manifest, bytes, head);
      }
    } catch (OutcomeUnknownException e) {
      // Re-read before deciding: the claim may have landed.
      existing = store.readAll(key).orElseThrow(() -> e);
    }
    if (existing == null) {
      existing = store.readAll(key).orElse(null);
    }
    if (existing != null && Arrays.equals(existing, bytes)) {
      // Our own earlier attempt landed (same bytes, same writer): it is committed.
      return committed(manifest, bytes, head);
    }
    StreamHead current = reader.loadHead(head.stream());
    return new CommitResult.Conflict(current, winnerOf(head.stream(), manifest.seq(), existing));
  }

  private static CommitResult committed(Manifest manifest, byte[] bytes, StreamHead head) {
    return new CommitResult.Committed(
        manifest, StreamHead.after(manifest, Sha256.hex(bytes), head));
  }

  private String winnerOf(StreamId stream, long seq, byte[] existing) {
    if (existing == null) {
      return "unknown";
    }
    StoredManifest stored =
        ArchiveReader.decode(ArchiveLayout.manifestKey(stream, seq), existing, stream, seq);
    return stored.manifest().writerId();
  }

  /**
   * Refuses to extend a chain whose head manifest is gone: the archive was deleted, moved or rolled
   * back under the writer. Claiming the next seq would start a chain without its beginning (no seq
   * 0, no index entries) that nothing else would notice; one existence check per commit finds it.
   */
  private void requireHeadPresent(StreamHead head) {
    if (head.isEmpty()) {
      return;
    }
    String key = ArchiveLayout.manifestKey(head.stream(), head.seq());
    if (store.stat(key).isEmpty()) {
      throw new IntegrityException(
          key,
          "Cannot commit seq "
              + head.nextSeq()
              + " of "
              + head.stream()
              + ": its predecessor, manifest "
              + head.seq()
              + " ("
              + key
              + "), is gone from the archive; the archive was deleted, moved or rolled back under"
              + " the archiver. Stopping rather than writing a chain without its start: restore"
              + " the archive, or point the archiver at a new one and reset its consumer offsets");
    }
  }

  private void ensureIndexed(StreamHead head) {
    if (!head.isEmpty()) {
      return;
    }
    StreamId stream = head.stream();
    // Catalog first: a stream with index entries or manifests but no catalog entry is a finding.
    catalog.ensureCatalogued(stream);
    ObjectContent entry = ObjectContent.ofBytes(indexEntry(stream));
    store.putIfAbsent(ArchiveLayout.streamIndexKey(stream), entry);
    store.putIfAbsent(ArchiveLayout.partitionIndexKey(stream), entry);
  }

  private static byte[] indexEntry(StreamId stream) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("database", stream.database());
    entry.put("topic", stream.topic());
    entry.put("partition", stream.partition());
    try {
      return INDEX_JSON.writeValueAsBytes(entry);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode the index entry of " + stream, e);
    }
  }

  private static void requireFollows(StreamHead head, Batch batch) {
    EncodedRecord first = batch.records().get(0);
    if (head.lastLsn() != null && !first.position().isAfter(head.lastPosition())) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot commit batch to %s: first record (lsn %d, txIndex %d) is not after the head "
                  + "(lsn %d, txIndex %d)",
              head.stream(), first.lsn(), first.txIndex(), head.lastLsn(), head.lastTxIndex()));
    }
    if (batch.firstSourceOffset() <= head.lastSourceOffset()) {
      throw new IllegalArgumentException(
          "Cannot commit batch to "
              + head.stream()
              + ": first source offset "
              + batch.firstSourceOffset()
              + " is not after the head's "
              + head.lastSourceOffset());
    }
  }
}
