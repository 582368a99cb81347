package io.walstream.ingest.assemble;

/**
 * The transaction id the ingest gives the rows of one blocking snapshot: the snapshot is one
 * transaction at its {@code source.lsn}. Debezium's own transaction ids are PostgreSQL xids (or
 * other connectors' ids) and never start with the prefix.
 */
public final class SnapshotId {
  private static final String PREFIX = "snapshot@";

  private SnapshotId() {}

  /** The id of the snapshot taken at {@code lsn}. */
  public static String of(long lsn) {
    return PREFIX + lsn;
  }

  /** Whether {@code transactionId} names a snapshot. */
  public static boolean is(String transactionId) {
    return transactionId.startsWith(PREFIX);
  }
}
