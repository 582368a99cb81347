package io.walstream.schemas.jsonl;

import io.walstream.schemas.error.WalstreamException;

/** A JSON Lines change record that does not follow the contract in docs/JSONL.md. */
public final class JsonLinesException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  private final long line;
  private final String field;

  public JsonLinesException(long line, String field, String reason) {
    this(line, field, reason, null);
  }

  public JsonLinesException(long line, String field, String reason, Throwable cause) {
    super(
        "Cannot parse change record at line "
            + line
            + (field == null ? "" : ", field '" + field + "'")
            + ": "
            + reason,
        cause);
    this.line = line;
    this.field = field;
  }

  /** The 1-based line number of the bad record. */
  public long line() {
    return line;
  }

  /** The path of the bad field (e.g. {@code after.total}), or null when the whole line is bad. */
  public String field() {
    return field;
  }
}
