package io.walstream.archive.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.format.CatalogCodec;
import io.walstream.archive.format.CatalogEntry;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StreamCatalog;
import io.walstream.archive.retry.Sleeper;
import io.walstream.archive.verify.Finding.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which streams a database has, and whether the archive agrees on it (docs/FORMAT.md §2): the
 * database's stream catalog (a hash-linked chain) is the record; its WAL objects and index entries
 * must match it. Finds a catalog entry removed, replaced or reordered; a catalogued stream whose
 * objects are all gone; objects or index entries of a stream no entry names; a missing index entry.
 * The same resolution serves {@code verify} (findings reported) and restores (refused on any
 * error), so that neither can see a different set of streams.
 */
public final class DatabaseStreams {
  /**
   * The streams of one database.
   *
   * @param database the database
   * @param catalogued the streams its catalog names, in catalog order: what a restore reads
   * @param found every stream seen anywhere (catalog, WAL objects, index entries): what {@code
   *     verify} walks, so that an uncatalogued stream's chain is verified too
   * @param findings what is wrong with the set, each naming its key
   */
  public record Resolution(
      String database, List<StreamId> catalogued, List<StreamId> found, List<Finding> findings) {
    public Resolution {
      catalogued = List.copyOf(catalogued);
      found = List.copyOf(found);
      findings = List.copyOf(findings);
    }

    /** The findings about {@code stream}. */
    public List<Finding> about(StreamId stream) {
      String prefix = ArchiveLayout.streamPrefix(stream);
      return findings.stream()
          .filter(
              f ->
                  f.key().startsWith(prefix)
                      || f.key().equals(ArchiveLayout.streamIndexKey(stream))
                      || f.key().equals(ArchiveLayout.partitionIndexKey(stream)))
          .toList();
    }

    /** The findings about the catalog itself (not about one stream). */
    public List<Finding> ofCatalog() {
      return findings.stream()
          .filter(f -> f.key().startsWith(ArchiveLayout.catalogPrefix(database)))
          .toList();
    }

    /**
     * Throws on the first error finding, for a caller that must not proceed (a restore).
     *
     * @throws IntegrityException naming the finding's key
     */
    public void requireClean(String action) {
      for (Finding f : findings) {
        if (f.isError()) {
          throw f.toException(action);
        }
      }
    }
  }

  /** How often, and how far apart, {@link #resolveSettled} looks again. */
  static final int SETTLE_CHECKS = 8;

  static final Duration SETTLE_INTERVAL = Duration.ofMillis(250);

  private final ArchiveReader reader;
  private final Sleeper sleeper;

  public DatabaseStreams(ArchiveReader reader) {
    this(reader, Sleeper.SYSTEM);
  }

  /** With {@code sleeper} for the waits of {@link #resolveSettled}. */
  public DatabaseStreams(ArchiveReader reader, Sleeper sleeper) {
    this.reader = reader;
    this.sleeper = sleeper;
  }

  /**
   * As {@link #resolve(String)}, for a reader that runs beside a writer: a writer adds a new stream
   * to the catalog a few storage calls before it claims the stream's first manifest, so a stream
   * found {@code MISSING_STREAM} (and nothing worse) is looked at again for up to two seconds
   * before the finding stands.
   */
  public Resolution resolveSettled(String database) {
    Resolution resolution = resolve(database);
    for (int i = 0; i < SETTLE_CHECKS && onlyStreamsBeingCreated(resolution); i++) {
      sleeper.sleep(SETTLE_INTERVAL);
      resolution = resolve(database);
    }
    return resolution;
  }

  private static boolean onlyStreamsBeingCreated(Resolution resolution) {
    List<Finding> errors = resolution.findings().stream().filter(Finding::isError).toList();
    return !errors.isEmpty() && errors.stream().allMatch(f -> f.kind() == Kind.MISSING_STREAM);
  }

  /**
   * Resolves {@code database}'s streams, checking each catalogued stream's partition index entry by
   * its key.
   */
  public Resolution resolve(String database) {
    return resolve(database, null);
  }

  /**
   * As {@link #resolve(String)}, with the partition index entries of the database already listed
   * ({@code partitionIndexed}, from a listing of the whole index), so that extra entries are found
   * too; null to check each stream's entry by its key.
   */
  public Resolution resolve(String database, Set<StreamId> partitionIndexed) {
    List<Finding> findings = new ArrayList<>();
    Set<StreamId> catalogued = catalog(database, findings);
    Map<StreamId, Boolean> wal = walStreams(database);
    Set<StreamId> indexed = new LinkedHashSet<>();
    reader.forEachKey(
        ArchiveLayout.databaseStreamsPrefix(database),
        o -> {
          if (ArchiveLayout.parse(o.key()).orElse(null) instanceof ArchiveKey.StreamIndex k) {
            indexed.add(k.stream());
          }
        });
    Set<StreamId> found = new LinkedHashSet<>(catalogued);
    found.addAll(wal.keySet());
    found.addAll(indexed);
    if (partitionIndexed != null) {
      found.addAll(partitionIndexed);
    }
    for (StreamId stream : found) {
      check(stream, catalogued, wal, indexed, partitionIndexed, findings);
    }
    return new Resolution(database, List.copyOf(catalogued), List.copyOf(found), findings);
  }

  private void check(
      StreamId stream,
      Set<StreamId> catalogued,
      Map<StreamId, Boolean> wal,
      Set<StreamId> indexed,
      Set<StreamId> partitionIndexed,
      List<Finding> findings) {
    String partitionKey = ArchiveLayout.partitionIndexKey(stream);
    boolean inPartitionIndex =
        partitionIndexed == null
            ? reader.store().stat(partitionKey).isPresent()
            : partitionIndexed.contains(stream);
    if (!catalogued.contains(stream)) {
      String where =
          wal.containsKey(stream)
              ? ArchiveLayout.streamPrefix(stream)
              : indexed.contains(stream) ? ArchiveLayout.streamIndexKey(stream) : partitionKey;
      findings.add(
          Finding.of(
              Kind.UNCATALOGUED_STREAM,
              where,
              "the archive holds objects or index entries of "
                  + stream
                  + " but no catalog entry of "
                  + stream.database()
                  + " names it (a catalog entry was removed, or the objects were put there)"));
      return;
    }
    if (!Boolean.TRUE.equals(wal.get(stream))) {
      findings.add(
          Finding.of(
              Kind.MISSING_STREAM,
              ArchiveLayout.manifestKey(stream, 0),
              "the catalog names "
                  + stream
                  + " but the archive holds no manifest of it: its objects were deleted (or its"
                  + " writer stopped between adding it and its first commit)"));
    }
    if (!indexed.contains(stream)) {
      findings.add(
          Finding.of(
              Kind.MISSING_INDEX_ENTRY,
              ArchiveLayout.streamIndexKey(stream),
              "the database index entry of catalogued stream " + stream + " is missing"));
    }
    if (!inPartitionIndex) {
      findings.add(
          Finding.of(
              Kind.MISSING_INDEX_ENTRY,
              partitionKey,
              "the partition index entry of catalogued stream " + stream + " is missing"));
    }
  }

  /** Streams with WAL objects, each with whether it has at least one manifest. */
  private Map<StreamId, Boolean> walStreams(String database) {
    Map<StreamId, Boolean> streams = new LinkedHashMap<>();
    reader.forEachKey(
        ArchiveLayout.walPrefix(database),
        o -> {
          ArchiveKey key = ArchiveLayout.parse(o.key()).orElse(null);
          if (key instanceof ArchiveKey.OfStream k && k.stream().database().equals(database)) {
            streams.merge(k.stream(), key instanceof ArchiveKey.Manifest, Boolean::logicalOr);
          }
        });
    return streams;
  }

  /** The streams the catalog names, adding a finding for each flaw of its chain. */
  private Set<StreamId> catalog(String database, List<Finding> findings) {
    Set<StreamId> streams = new LinkedHashSet<>();
    long expected = 0;
    String previousSha = null;
    for (StreamCatalog.Stored stored : StreamCatalog.read(reader, database)) {
      signature(stored, findings);
      if (stored.seq() > expected) {
        findings.add(
            Finding.of(
                Kind.MISSING_CATALOG_ENTRY,
                ArchiveLayout.catalogKey(database, expected),
                "entry "
                    + expected
                    + (stored.seq() - 1 > expected ? " to " + (stored.seq() - 1) : "")
                    + " missing before entry "
                    + stored.seq()));
        previousSha = null;
      }
      boolean linkKnown = stored.seq() == 0 || previousSha != null;
      String expectedPrev = previousSha;
      previousSha = stored.sha256();
      expected = stored.seq() + 1;
      CatalogEntry entry = decode(database, stored, findings);
      if (entry == null) {
        continue;
      }
      if (stored.seq() > 0 && linkKnown && !expectedPrev.equals(entry.prevEntrySha256())) {
        findings.add(
            Finding.of(
                Kind.CATALOG_LINK_MISMATCH,
                stored.key(),
                "prevEntrySha256 "
                    + entry.prevEntrySha256()
                    + " but entry "
                    + (stored.seq() - 1)
                    + " hashes to "
                    + expectedPrev));
      }
      if (!streams.add(entry.stream())) {
        findings.add(
            Finding.of(
                Kind.MALFORMED_CATALOG_ENTRY,
                stored.key(),
                "names " + entry.stream() + ", which an earlier entry already names"));
      }
    }
    return streams;
  }

  /**
   * Adds the finding about {@code stored}'s signature, when signatures are checked and it fails.
   */
  private void signature(StreamCatalog.Stored stored, List<Finding> findings) {
    reader
        .signatures()
        .check(reader.store(), stored.key(), stored.bytes())
        .ifPresent(findings::add);
  }

  /** The entry {@code stored} holds, or null after adding the finding that says why not. */
  private static CatalogEntry decode(
      String database, StreamCatalog.Stored stored, List<Finding> findings) {
    CatalogEntry entry;
    try {
      entry = CatalogCodec.decode(stored.bytes(), stored.key());
    } catch (UnknownFormatException e) {
      findings.add(Finding.of(Kind.UNKNOWN_FORMAT, stored.key(), e.getMessage()));
      return null;
    } catch (IntegrityException e) {
      findings.add(Finding.of(Kind.MALFORMED_CATALOG_ENTRY, stored.key(), e.getMessage()));
      return null;
    }
    if (entry.seq() != stored.seq() || !entry.database().equals(database)) {
      findings.add(
          Finding.of(
              Kind.MALFORMED_CATALOG_ENTRY,
              stored.key(),
              "claims entry " + entry.seq() + " of " + entry.database() + "'s catalog"));
      return null;
    }
    return entry;
  }
}
