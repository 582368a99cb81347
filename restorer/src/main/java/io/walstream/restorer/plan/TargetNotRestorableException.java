package io.walstream.restorer.plan;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;

/**
 * The requested target lies outside what the archive can restore; the message states the window.
 */
public final class TargetNotRestorableException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  public TargetNotRestorableException(String message) {
    super(ErrorKind.TARGET_NOT_RESTORABLE, message);
  }
}
