package io.walstream.ingest.assemble;

/**
 * Why the ingest sent an event to its dead-letter topic; the {@code walstream.dlq.reason} header.
 */
public enum IngestDeadLetterReason {
  /** The event cannot be read or mapped (bad JSON, unknown op, a value its type cannot hold). */
  UNMAPPABLE("unmappable"),
  /** A transaction's counted events did not all arrive within the transaction timeout. */
  INCOMPLETE_TRANSACTION("incomplete-transaction"),
  /** Events of a transaction whose END did not arrive within the transaction timeout. */
  NO_END("no-end"),
  /**
   * The END carries no commit LSN: the connector lacks walstream's CommitLsn transform, so the
   * transaction has no position to restore to.
   */
  MISSING_COMMIT_LSN("missing-commit-lsn"),
  /**
   * A change without transaction metadata although the ingest reads the metadata topic (snapshot
   * reads, or events from before metadata was turned on).
   */
  NO_TRANSACTION("no-transaction"),
  /** Without transaction metadata, the change carries no {@code source.lsn} to order it by. */
  NO_SOURCE_LSN("no-source-lsn");

  private final String label;

  IngestDeadLetterReason(String label) {
    this.label = label;
  }

  /** The header value and metric tag. */
  public String label() {
    return label;
  }
}
