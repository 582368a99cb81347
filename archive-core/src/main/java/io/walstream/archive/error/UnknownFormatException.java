package io.walstream.archive.error;

/**
 * An object declares a format version, codec or encryption scheme this build does not know. Never
 * read with a guess: upgrade walstream or investigate the object.
 */
public final class UnknownFormatException extends IntegrityException {
  private static final long serialVersionUID = 1L;

  public UnknownFormatException(String key, String message) {
    super(key, message);
  }
}
