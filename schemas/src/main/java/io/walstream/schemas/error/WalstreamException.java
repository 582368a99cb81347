package io.walstream.schemas.error;

import io.walstream.schemas.avro.ErrorKind;

/**
 * The one unchecked base type of every error walstream raises on purpose. Subclasses tell the
 * caller what to do about it (retry, re-read, stop, or treat as an ordinary outcome); see the
 * subclasses in {@code io.walstream.archive.error} for the storage taxonomy. Every one has an
 * {@link ErrorKind}: the same kind travels from where it was raised to the restore status topic
 * ({@code RestoreStatus.errorKind}) and to the command line's exit code.
 */
public class WalstreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;

  /** An error of kind {@link ErrorKind#PERMANENT}: retrying as it is will not help. */
  public WalstreamException(String message) {
    this(ErrorKind.PERMANENT, message, null);
  }

  /** An error of kind {@link ErrorKind#PERMANENT}: retrying as it is will not help. */
  public WalstreamException(String message, Throwable cause) {
    this(ErrorKind.PERMANENT, message, cause);
  }

  public WalstreamException(ErrorKind kind, String message) {
    this(kind, message, null);
  }

  public WalstreamException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    if (kind == null) {
      throw new IllegalArgumentException("every walstream error has a kind");
    }
    this.kind = kind;
  }

  /** What kind of failure this is, and so what the caller can do about it. */
  public ErrorKind kind() {
    return kind;
  }

  /**
   * The kind of any failure: a walstream error's own, {@link ErrorKind#PERMANENT} for anything else
   * (an error walstream did not expect has no better description).
   */
  public static ErrorKind kindOf(Throwable failure) {
    return failure instanceof WalstreamException w ? w.kind() : ErrorKind.PERMANENT;
  }
}
