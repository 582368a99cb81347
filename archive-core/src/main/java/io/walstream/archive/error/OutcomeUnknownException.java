package io.walstream.archive.error;

import io.walstream.schemas.avro.ErrorKind;

/**
 * A write was sent but its outcome is unknown (the response was lost). The object may or may not
 * exist: re-read it before retrying.
 */
public final class OutcomeUnknownException extends StorageException {
  private static final long serialVersionUID = 1L;

  public OutcomeUnknownException(String message, String key, Throwable cause) {
    super(ErrorKind.TRANSIENT, message, key, cause);
  }
}
