package io.walstream.archive.store;

import io.walstream.schemas.error.WalstreamException;

/**
 * The location given cannot be the archive: for a reader it does not exist or holds no objects
 * (readers never create an archive, so a mistyped location is an error, not an empty archive); for
 * anyone, a filesystem location that is a file, not a directory.
 */
public final class ArchiveNotFoundException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  public ArchiveNotFoundException(String message) {
    super(message);
  }
}
