package io.walstream.archive.error;

import io.walstream.schemas.avro.ErrorKind;

/**
 * A storage call failed for a reason that may pass (timeout before sending, 5xx, throttling,
 * connection refused). Safe to retry with backoff.
 */
public final class TransientStorageException extends StorageException {
  private static final long serialVersionUID = 1L;

  public TransientStorageException(String message, String key, Throwable cause) {
    super(ErrorKind.TRANSIENT, message, key, cause);
  }
}
