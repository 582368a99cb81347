package io.walstream.archive.verify;

/**
 * One thing verification found about one object. Findings are data, never thrown: the caller
 * decides (restore stops on any {@link Severity#ERROR}; {@code verify} reports them all).
 *
 * @param severity how bad it is
 * @param kind what it is
 * @param key the object key it is about
 * @param detail a human-readable explanation
 */
public record Finding(Severity severity, Kind kind, String key, String detail) {

  /** How bad a finding is. */
  public enum Severity {
    /** The archive is wrong: restore must not proceed past it. */
    ERROR,
    /** Recorded on purpose but worth attention, e.g. an explicit gap marker. */
    WARNING,
    /** Harmless, e.g. an uncommitted leftover segment. */
    INFO
  }

  /** What was found. */
  public enum Kind {
    MISSING_MANIFEST(Severity.ERROR),
    MISPLACED_MANIFEST(Severity.ERROR),
    MALFORMED_MANIFEST(Severity.ERROR),
    UNKNOWN_FORMAT(Severity.ERROR),
    CHAIN_LINK_MISMATCH(Severity.ERROR),
    MISSING_SEGMENT(Severity.ERROR),
    SEGMENT_SIZE_MISMATCH(Severity.ERROR),
    SEGMENT_HASH_MISMATCH(Severity.ERROR),
    MALFORMED_SEGMENT(Severity.ERROR),
    SEGMENT_MANIFEST_MISMATCH(Severity.ERROR),
    LSN_REGRESSION(Severity.ERROR),
    /**
     * An encrypted object names a data key the archive's keyset does not hold (found only when
     * verifying with a key-encryption key).
     */
    MISSING_KEY(Severity.ERROR),
    /** A manifest or catalog entry without a signature, when a public key was given. */
    MISSING_SIGNATURE(Severity.ERROR),
    /** A signature that does not verify, or signs other bytes or another object. */
    SIGNATURE_MISMATCH(Severity.ERROR),
    OFFSET_REGRESSION(Severity.ERROR),
    /** The stream catalog has no entry at a seq below its highest. */
    MISSING_CATALOG_ENTRY(Severity.ERROR),
    /** A catalog entry that does not decode, sits at the wrong key, or repeats a stream. */
    MALFORMED_CATALOG_ENTRY(Severity.ERROR),
    /** A catalog entry's prevEntrySha256 is not the hash of the entry before it. */
    CATALOG_LINK_MISMATCH(Severity.ERROR),
    /** A stream the catalog names holds no manifest at all: deleted (or never committed). */
    MISSING_STREAM(Severity.ERROR),
    /** Objects or index entries of a stream that no catalog entry names. */
    UNCATALOGUED_STREAM(Severity.ERROR),
    /** A catalogued stream lacks one of its index entries. */
    MISSING_INDEX_ENTRY(Severity.ERROR),
    /** A manifest published outside the archive (the manifests topic) is not in the archive. */
    ROLLED_BACK(Severity.ERROR),
    /** The archive's manifest at a published position is not the one that was published. */
    ANCHOR_MISMATCH(Severity.ERROR),
    /** A snapshot manifest that does not decode or sits at another snapshot's key. */
    MALFORMED_SNAPSHOT(Severity.ERROR),
    /** A chunk a snapshot names is absent. */
    MISSING_SNAPSHOT_CHUNK(Severity.ERROR),
    /** A snapshot chunk's size, hash, declarations or rows differ from its snapshot's record. */
    SNAPSHOT_CHUNK_MISMATCH(Severity.ERROR),
    /** A stream position a snapshot covers is not the manifest the archive holds there. */
    SNAPSHOT_POSITION_MISMATCH(Severity.ERROR),
    /** A snapshot's prevSnapshotSha256 names no earlier snapshot of its database. */
    SNAPSHOT_LINK_MISMATCH(Severity.ERROR),
    /** A retention record that does not decode or sits at another record's key. */
    MALFORMED_RETENTION(Severity.ERROR),
    /**
     * A retention record that disagrees with the archive: its snapshot is gone or another, or a
     * stream's floor manifest is missing or not the one it names.
     */
    RETENTION_MISMATCH(Severity.ERROR),
    GAP(Severity.WARNING),
    /**
     * A transaction that is not complete in the merged order of its database's streams: left out of
     * every restore (docs/FORMAT.md §5.1).
     */
    INCOMPLETE_TRANSACTION(Severity.WARNING),
    UNCOMMITTED_SEGMENT(Severity.INFO),
    /** A snapshot chunk no snapshot names: left by an interrupted build. */
    UNCOMMITTED_SNAPSHOT_CHUNK(Severity.INFO),
    UNKNOWN_OBJECT(Severity.INFO),
    /** Objects a retention record expired that are still stored (deletion pending or deferred). */
    EXPIRED(Severity.INFO);

    private final Severity severity;

    Kind(Severity severity) {
      this.severity = severity;
    }

    public Severity severity() {
      return severity;
    }
  }

  /** A finding of {@code kind} with its usual severity. */
  public static Finding of(Kind kind, String key, String detail) {
    return new Finding(kind.severity(), kind, key, detail);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * This finding as the exception a caller that must stop throws ({@code action} says what could
   * not be done, e.g. "Cannot restore shop"), naming the kind, the key and the detail.
   */
  public io.walstream.archive.error.IntegrityException toException(String action) {
    return new io.walstream.archive.error.IntegrityException(
        key, action + ": " + kind + " " + key + ": " + detail);
  }

  @Override
  public String toString() {
    return severity + " " + kind + " " + key + ": " + detail;
  }
}
