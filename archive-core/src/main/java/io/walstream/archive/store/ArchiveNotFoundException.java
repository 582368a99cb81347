package io.walstream.archive.store;

import io.walstream.schemas.error.WalstreamException;

/**
 * The location a reader was given holds no archive: it does not exist, or holds no objects. Readers
 * never create an archive, so a mistyped location is an error, not an empty archive.
 */
public final class ArchiveNotFoundException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  public ArchiveNotFoundException(String message) {
    super(message);
  }
}
