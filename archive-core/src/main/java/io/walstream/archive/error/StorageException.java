package io.walstream.archive.error;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;

/**
 * A failed call to an object store, already classified: the subclass tells the caller what to do.
 *
 * <ul>
 *   <li>{@link TransientStorageException}: retry with backoff, within bounds.
 *   <li>{@link OutcomeUnknownException}: a write may or may not have happened; re-read before
 *       retrying.
 *   <li>{@link PermanentStorageException}: retrying will not help; stop and report.
 * </ul>
 *
 * Missing and already-existing objects are not errors of the seam: they are ordinary results of
 * {@link io.walstream.archive.store.ObjectStore} calls.
 */
public abstract class StorageException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  private final String key;

  protected StorageException(ErrorKind kind, String message, String key, Throwable cause) {
    super(kind, message, cause);
    this.key = key;
  }

  /** The object key or prefix the failed call was about. */
  public String key() {
    return key;
  }
}
