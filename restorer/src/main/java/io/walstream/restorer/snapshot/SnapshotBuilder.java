package io.walstream.restorer.snapshot;

import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.OutcomeUnknownException;
import io.walstream.archive.format.EnvelopeHeader;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.format.SnapshotChunks;
import io.walstream.archive.format.SnapshotCodec;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.archive.read.StreamCatalog;
import io.walstream.archive.retention.ReaderLease;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.PutOutcome;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.apply.Progress;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.plan.TargetNotRestorableException;
import io.walstream.schemas.Version;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds a snapshot of a database from the archive, never from the live stream: the latest snapshot
 * usable for the target (if any) plus the chained segments after it, restored through the ordinary
 * restore path (verified as any restore) into a {@link SnapshotState}, then written as
 * content-addressed chunks and committed by claiming the snapshot manifest with put-if-absent.
 */
public final class SnapshotBuilder {
  /** Whether the build committed a new snapshot or found one at the same lsn. */
  public enum Made {
    CREATED,
    EXISTED
  }

  /** What a build did: the snapshot, the one it started from (or null), time taken. */
  public record Result(
      Made made, StoredSnapshot snapshot, StoredSnapshot base, long segments, Duration duration) {}

  private final ObjectStore store;
  private final Keyring keys;
  private final ArchiveReader reader;
  private final Restorer restorer;
  private final String writerId;
  private final int maxChunkRows;

  /** A builder writing chunks of up to {@code maxChunkRows} rows, as {@code writerId}. */
  public SnapshotBuilder(ObjectStore store, String writerId, int maxChunkRows) {
    this(new ArchiveReader(store), writerId, maxChunkRows);
  }

  /**
   * A builder reading through {@code reader}: decrypting with its keys, which also encrypt the
   * chunks it writes when they hold keys, and requiring its signatures; writing chunks of up to
   * {@code maxChunkRows} rows as {@code writerId}.
   */
  public SnapshotBuilder(ArchiveReader reader, String writerId, int maxChunkRows) {
    if (maxChunkRows < 1 || maxChunkRows > SnapshotChunks.MAX_ROWS) {
      throw new IllegalArgumentException(
          "Cannot build snapshots with chunks of "
              + maxChunkRows
              + " rows: need 1.."
              + SnapshotChunks.MAX_ROWS);
    }
    this.store = reader.store();
    this.keys = reader.keys();
    this.reader = reader;
    this.restorer = new Restorer(reader, Restorer.DEFAULT_PARALLELISM);
    this.writerId = writerId;
    this.maxChunkRows = maxChunkRows;
  }

  /** A builder writing chunks of the format's size. */
  public SnapshotBuilder(ObjectStore store, String writerId) {
    this(store, writerId, SnapshotChunks.MAX_ROWS);
  }

  /**
   * Builds the snapshot of {@code database} at the last complete transaction {@code target} takes,
   * working in a temporary file under {@code workDir}.
   *
   * @throws TargetNotRestorableException when the target holds no transaction, or lies past a gap
   *     and {@code gaps} refuses them
   * @throws IntegrityException when the archive fails a check a restore makes
   */
  public Result build(String database, RestoreTarget target, GapPolicy gaps, Path workDir) {
    if (keys.hasKeys()) {
      // A rotation since this builder opened the keyset applies to its chunks too.
      keys.refreshIfChanged();
    }
    // Held from before the plan to the claim: retention deletes nothing the build may read.
    try (ReaderLease lease = restorer.lease(database, io.walstream.archive.format.Lease.SNAPSHOT)) {
      return buildLeased(database, target, gaps, workDir);
    }
  }

  private Result buildLeased(String database, RestoreTarget target, GapPolicy gaps, Path workDir) {
    long start = System.nanoTime();
    RestorePlan plan = restorer.plan(database, target, gaps);
    StoredSnapshot base = plan.snapshot();
    SnapshotState state = SnapshotState.open(workDir);
    try {
      if (base != null) {
        state.startFrom(base.snapshot());
      }
      Restorer.Result restored = restorer.restore(plan, state, Progress.NONE);
      Long lsn = restored.outcome().lastLsn();
      if (lsn == null) {
        throw new TargetNotRestorableException(
            "Cannot snapshot "
                + database
                + " at "
                + target.describe()
                + ": no complete transaction is archived up to it");
      }
      if (base != null && lsn == base.snapshot().lsn()) {
        return new Result(Made.EXISTED, base, base, 0, elapsed(start));
      }
      Snapshot snapshot = describe(plan, restored, state, lsn);
      return claim(snapshot, base, plan.segments(), start);
    } finally {
      state.abort();
    }
  }

  private Snapshot describe(
      RestorePlan plan, Restorer.Result restored, SnapshotState state, long lsn) {
    String database = plan.database();
    List<Snapshot.Chunk> chunks = writeChunks(database, lsn, state);
    List<Snapshot.Table> tables = tables(state, chunks);
    io.walstream.restorer.apply.Incomplete incomplete = restored.outcome().incomplete();
    StoredSnapshot base = plan.snapshot();
    return new Snapshot(
        database,
        lsn,
        state.lastCommitMicros(),
        state.maxCommitMicros(),
        plan.wholePositions(lsn, base == null ? List.of() : base.snapshot().streams()),
        catalog(database),
        tables,
        chunks,
        new Snapshot.Incomplete(incomplete.transactions(), incomplete.records(), incomplete.lsns()),
        gaps(plan),
        base == null ? null : base.sha256(),
        Version.current(),
        writerId);
  }

  /**
   * The gaps the snapshot crossed: its base's (which may lie below a retention floor, out of the
   * chains read) and those the plan crosses after it.
   */
  private static List<Snapshot.GapCrossed> gaps(RestorePlan plan) {
    java.util.LinkedHashSet<Snapshot.GapCrossed> gaps = new java.util.LinkedHashSet<>();
    if (plan.snapshot() != null) {
      gaps.addAll(plan.snapshot().snapshot().gaps());
    }
    plan.gapsCrossed()
        .forEach(
            g ->
                gaps.add(
                    new Snapshot.GapCrossed(
                        g.stream().topic(),
                        g.stream().partition(),
                        g.seq(),
                        g.firstMissingOffset(),
                        g.lastMissingOffset())));
    // One order whatever the base: by stream, then seq.
    return gaps.stream()
        .sorted(
            java.util.Comparator.comparing(Snapshot.GapCrossed::topic)
                .thenComparingInt(Snapshot.GapCrossed::partition)
                .thenComparingLong(Snapshot.GapCrossed::seq))
        .toList();
  }

  private List<Snapshot.Chunk> writeChunks(String database, long lsn, SnapshotState state) {
    List<Snapshot.Chunk> chunks = new ArrayList<>();
    state.writeChunks(
        maxChunkRows,
        (table, rows) -> {
          byte[] bytes = SnapshotChunks.write(database, table, lsn, rows);
          Manifest.Encryption encryption = null;
          if (keys.hasKeys()) {
            // Bound to its snapshot and index: a chunk moved elsewhere fails to decrypt.
            String place =
                Snapshot.Chunk.place(ArchiveLayout.snapshotKey(database, lsn), chunks.size());
            Keyring.Sealed sealed = keys.encrypt(bytes, place);
            bytes = sealed.bytes();
            encryption = new Manifest.Encryption(EnvelopeHeader.SCHEME, sealed.keyId());
          }
          String sha = Sha256.hex(bytes);
          String key = ArchiveLayout.snapshotChunkKey(database, sha);
          // ALREADY_EXISTS is fine: the key is the content hash, so those are the same bytes.
          store.putIfAbsent(key, ObjectContent.ofBytes(bytes));
          chunks.add(new Snapshot.Chunk(table, key, sha, bytes.length, rows.size(), encryption));
        });
    return chunks;
  }

  private static List<Snapshot.Table> tables(SnapshotState state, List<Snapshot.Chunk> chunks) {
    Map<String, Long> counts = state.rowCounts();
    List<Snapshot.Table> tables = new ArrayList<>();
    state
        .shapes()
        .forEach(
            (name, shape) ->
                tables.add(
                    new Snapshot.Table(
                        name,
                        shape.keys(),
                        shape.columns(),
                        counts.getOrDefault(name, 0L),
                        chunks.stream()
                            .filter(c -> c.table().equals(name))
                            .mapToLong(Snapshot.Chunk::byteSize)
                            .sum())));
    return tables;
  }

  private Snapshot.CatalogPosition catalog(String database) {
    List<StreamCatalog.Stored> entries = StreamCatalog.read(reader, database);
    if (entries.isEmpty()) {
      throw new IntegrityException(
          ArchiveLayout.catalogPrefix(database),
          "Cannot snapshot " + database + ": its stream catalog is empty");
    }
    StreamCatalog.Stored last = entries.get(entries.size() - 1);
    return new Snapshot.CatalogPosition(last.seq(), last.sha256());
  }

  private Result claim(Snapshot snapshot, StoredSnapshot base, long segments, long start) {
    for (Snapshot.Chunk chunk : snapshot.chunks()) {
      if (store.stat(chunk.key()).isEmpty()) {
        // Collected as a leftover while the build ran (gc with a grace period shorter than the
        // build): committing would name a chunk that is gone. Nothing is committed; build again.
        throw new IntegrityException(
            chunk.key(),
            "Cannot commit snapshot "
                + snapshot.key()
                + ": its chunk "
                + chunk.key()
                + " vanished while the snapshot was built (collected by gc with a --min-age"
                + " shorter than the build?); nothing was committed, build it again");
      }
    }
    byte[] bytes = SnapshotCodec.encode(snapshot);
    String key = snapshot.key();
    StoredSnapshot ours = new StoredSnapshot(key, snapshot, Sha256.hex(bytes));
    byte[] existing;
    try {
      if (store.putIfAbsent(key, ObjectContent.ofBytes(bytes)) == PutOutcome.CREATED) {
        return new Result(Made.CREATED, ours, base, segments, elapsed(start));
      }
      existing = store.readAll(key).orElse(null);
    } catch (OutcomeUnknownException e) {
      // Re-read before deciding: the claim may have landed.
      existing = store.readAll(key).orElseThrow(() -> e);
    }
    if (existing != null && Arrays.equals(existing, bytes)) {
      return new Result(Made.CREATED, ours, base, segments, elapsed(start));
    }
    StoredSnapshot theirs =
        new Snapshots(reader)
            .read(key)
            .orElseThrow(
                () ->
                    new IntegrityException(key, "Cannot claim snapshot " + key + ": it vanished"));
    return new Result(Made.EXISTED, theirs, base, segments, elapsed(start));
  }

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
