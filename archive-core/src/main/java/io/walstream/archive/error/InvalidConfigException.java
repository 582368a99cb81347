package io.walstream.archive.error;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;

/** A configuration value (an archive URI, a bound, a name) that cannot work; fix it and restart. */
public final class InvalidConfigException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(String message) {
    super(ErrorKind.INVALID_CONFIG, message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(ErrorKind.INVALID_CONFIG, message, cause);
  }
}
