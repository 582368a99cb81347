package io.walstream.archive.error;

/**
 * An encrypted object cannot be read: no key-encryption key was given, it does not open the
 * archive's keyset, or the keyset has no data key of the id the object names. Never a reason to
 * read the bytes as plaintext: the caller stops, names the key and the object, and the operator
 * supplies the right key.
 */
public final class KeyUnavailableException extends IntegrityException {
  private static final long serialVersionUID = 1L;

  public KeyUnavailableException(String key, String message) {
    super(key, message);
  }

  public KeyUnavailableException(String key, String message, Throwable cause) {
    super(key, message, cause);
  }
}
