package io.walstream.archiver.partition;

/**
 * Why a record went to the dead-letter topic; the value of the {@code walstream.dlq.reason} header.
 */
public enum DeadLetterReason {
  /**
   * The value is not a ChangeRecord in Avro single-object encoding (bad marker, unknown schema,
   * ...).
   */
  UNDECODABLE("undecodable"),
  /** The database or table name cannot be used (empty, control characters, too long, ...). */
  INVALID_NAME("invalid-name"),
  /** The record breaks the data contract (e.g. INSERT without an after image). */
  INVALID_RECORD("invalid-record"),
  /** (lsn, txIndex) does not follow the stream and the record is not an exact duplicate. */
  LSN_REGRESSION("lsn-regression");

  private final String label;

  DeadLetterReason(String label) {
    this.label = label;
  }

  /** The header value and metric tag. */
  public String label() {
    return label;
  }
}
