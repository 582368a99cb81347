package io.walstream.restorer.service;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;

/**
 * A requester followed a command id whose statuses belong to another command (one that used the id
 * first): its own command was not run, and the other job's outcome is not its own.
 */
public final class CommandIdInUseException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  public CommandIdInUseException(String message) {
    super(ErrorKind.REJECTED, message);
  }
}
