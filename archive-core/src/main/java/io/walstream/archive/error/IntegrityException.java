package io.walstream.archive.error;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;

/**
 * The archive is not what it must be: a hash, a chain link, an order, a format version or a
 * required field is wrong or missing. Never retried, never skipped: the caller stops and reports
 * the key.
 */
public class IntegrityException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public IntegrityException(String key, String message) {
    this(key, message, null);
  }

  public IntegrityException(String key, String message, Throwable cause) {
    super(ErrorKind.INTEGRITY, message, cause);
    this.key = key;
  }

  /** The object key whose content is wrong. */
  public String key() {
    return key;
  }
}
