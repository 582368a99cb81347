package io.walstream.schemas.error;

/**
 * The one unchecked base type of every error walstream raises on purpose. Subclasses tell the
 * caller what to do about it (retry, re-read, stop, or treat as an ordinary outcome); see the
 * subclasses in {@code io.walstream.archive.error} for the storage taxonomy.
 */
public class WalstreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WalstreamException(String message) {
    super(message);
  }

  public WalstreamException(String message, Throwable cause) {
    super(message, cause);
  }
}
