package io.walstream.service.registry;

import io.walstream.schemas.error.WalstreamException;

/**
 * The registry does not have the schema a record names (or it is not Avro): the record cannot be
 * read and goes to the dead-letter topic with this message; retrying will not help.
 */
public final class UnknownSchemaException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  public UnknownSchemaException(String message) {
    super(message);
  }

  public UnknownSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
