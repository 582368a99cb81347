package io.walstream.ingest.debezium;

import io.walstream.schemas.error.WalstreamException;

/**
 * A change event that cannot be turned into walstream change records: the message names the field
 * and what was wrong. The event goes to the dead-letter topic with this message as its reason; it
 * is never dropped and never stops the app.
 */
public final class MappingException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  public MappingException(String message) {
    super(message);
  }

  public MappingException(String message, Throwable cause) {
    super(message, cause);
  }
}
