package io.walstream.archive.layout;

import io.walstream.schemas.error.WalstreamException;

/** A database or topic name that cannot be used in the archive. */
public final class InvalidNameException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  public InvalidNameException(String message) {
    super(message);
  }
}
