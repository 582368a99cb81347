package io.walstream.archive.error;

import io.walstream.schemas.avro.ErrorKind;

/**
 * A storage call failed for a reason retrying will not fix (access denied, bad request, disk full,
 * an unclassified error). Stop and report.
 */
public final class PermanentStorageException extends StorageException {
  private static final long serialVersionUID = 1L;

  public PermanentStorageException(String message, String key, Throwable cause) {
    super(ErrorKind.PERMANENT, message, key, cause);
  }
}
