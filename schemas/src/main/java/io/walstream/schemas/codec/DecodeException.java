package io.walstream.schemas.codec;

import io.walstream.schemas.error.WalstreamException;

/**
 * Bytes that do not decode into the expected record. {@link #reason()} says which of the closed set
 * of causes it was, so that callers (for example the archiver's dead-letter routing) can report it
 * without parsing the message.
 */
public final class DecodeException extends WalstreamException {
  private static final long serialVersionUID = 1L;

  /** Why bytes failed to decode. */
  public enum Reason {
    /** Null or zero bytes. */
    EMPTY,
    /** The first two bytes are not the single-object marker {@code C3 01}. */
    BAD_MARKER,
    /** The marker is there but the bytes end before the 8-byte fingerprint or inside the body. */
    TRUNCATED,
    /** The writer schema's fingerprint is not one this process knows. */
    UNKNOWN_FINGERPRINT,
    /** The writer schema is known but cannot be read as the expected record type. */
    INCOMPATIBLE_SCHEMA,
    /** The body does not decode with the writer schema, or has bytes left over after it. */
    MALFORMED
  }

  private final Reason reason;

  public DecodeException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public DecodeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
