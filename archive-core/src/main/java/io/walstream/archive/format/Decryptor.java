package io.walstream.archive.format;

import java.io.InputStream;

/**
 * Turns the ciphertext of an encrypted object back into its plaintext, given the key its header
 * names; the archive's keyring is the one implementation that can ({@code
 * io.walstream.archive.crypto.Keyring}). Readers ask only for objects that declare encryption.
 */
public interface Decryptor {
  /**
   * A stream of the plaintext of {@code ciphertext}, the bytes after {@code header} of the object
   * at {@code key}, authenticated against {@code place} (see {@link
   * EnvelopeHeader#associatedData}). Bytes that fail authentication surface as an {@link
   * io.walstream.archive.error.IntegrityException} while reading.
   *
   * @throws io.walstream.archive.error.KeyUnavailableException when no key was given, or the keyset
   *     has no key of that id
   */
  InputStream decrypt(InputStream ciphertext, EnvelopeHeader header, String place, String key);
}
