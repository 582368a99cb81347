package io.walstream.schemas.codec;

import io.walstream.schemas.error.WalstreamException;

/** A record that cannot be encoded, typically because a required field is null. */
public final class EncodeException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  public EncodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
