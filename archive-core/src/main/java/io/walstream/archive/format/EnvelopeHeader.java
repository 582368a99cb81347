package io.walstream.archive.format;

import io.walstream.archive.error.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The plaintext header of an encrypted object (a segment or a snapshot chunk, docs/FORMAT.md §12):
 * eight magic bytes ({@code WALSENC} and the envelope version 1) and the id of the data key that
 * encrypted the rest, big-endian. A reader learns from it, without any key, whether an object is
 * encrypted and with which key, and checks that against what the manifest declares: neither side is
 * ever guessed from the other's absence.
 *
 * @param keyId the data key's id, an unsigned 32-bit number
 */
public record EnvelopeHeader(long keyId) {
  /** Bytes of the header. */
  public static final int LENGTH = 12;

  /** The scheme manifests name for objects in this envelope. */
  public static final String SCHEME = "tink-aes256-gcm-hkdf-1mb";

  private static final byte[] MAGIC = {'W', 'A', 'L', 'S', 'E', 'N', 'C', 1};
  private static final byte[] AVRO_MAGIC = {'O', 'b', 'j', 1};

  public EnvelopeHeader {
    if (keyId < 0 || keyId > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("Cannot build envelope header: key id " + keyId);
    }
  }

  /** The header's twelve bytes. */
  public byte[] bytes() {
    return ByteBuffer.allocate(LENGTH).put(MAGIC).putInt((int) keyId).array();
  }

  /**
   * The associated data that binds an object's ciphertext to its place: the header bytes followed
   * by the UTF-8 bytes of {@code place} (a segment's manifest key; a chunk's snapshot manifest key,
   * {@code #} and its index), so that a ciphertext moved to another place, or a header naming
   * another key, fails authentication.
   */
  public byte[] associatedData(String place) {
    byte[] name = place.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(LENGTH + name.length).put(bytes()).put(name).array();
  }

  /**
   * How an object's encryption disagrees with what {@code declaredBy} (the manifest, the snapshot)
   * declares ({@code declared}, null for plaintext), or null when they agree: a scheme this build
   * knows, and the same key id.
   */
  public static String mismatch(
      String declaredBy, Manifest.Encryption declared, Optional<EnvelopeHeader> header) {
    if (declared == null) {
      return header
          .map(
              h -> declaredBy + " declares it plaintext, but it is encrypted with key " + h.keyId())
          .orElse(null);
    }
    if (header.isEmpty()) {
      return declaredBy
          + " declares it encrypted with key "
          + declared.keyId()
          + ", but it is plaintext";
    }
    if (!SCHEME.equals(declared.scheme())) {
      return declaredBy
          + " declares encryption scheme '"
          + declared.scheme()
          + "', which this build does not know";
    }
    if (declared.keyId() != header.get().keyId()) {
      return declaredBy
          + " declares key "
          + declared.keyId()
          + ", but its header names key "
          + header.get().keyId();
    }
    return null;
  }

  /**
   * The plaintext of the object at {@code key} held in {@code stored}, after checking that its
   * first bytes declare what {@code declaredBy} does ({@code declared}); decrypted through {@code
   * keys} for {@code place} when encrypted.
   *
   * @throws IntegrityException when the declarations disagree, or the ciphertext fails
   *     authentication
   * @throws io.walstream.archive.error.KeyUnavailableException when {@code keys} cannot decrypt it
   */
  public static byte[] plaintext(
      byte[] stored,
      String declaredBy,
      Manifest.Encryption declared,
      String place,
      String key,
      Decryptor keys) {
    Declared d = read(new java.io.ByteArrayInputStream(stored), key);
    String mismatch = mismatch(declaredBy, declared, d.header());
    if (mismatch != null) {
      throw new IntegrityException(key, "Cannot read " + key + ": " + mismatch);
    }
    if (d.header().isEmpty()) {
      return stored;
    }
    try (InputStream in = keys.decrypt(d.rest(), d.header().get(), place, key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + key, e);
    }
  }

  /** What an object's first bytes declare, and the stream to go on reading it from. */
  public record Declared(Optional<EnvelopeHeader> header, InputStream rest) {}

  /**
   * Reads the declaration at the start of the object at {@code key}: an envelope header (and the
   * stream after it), or plaintext Avro (and the whole stream, nothing consumed).
   *
   * @throws IntegrityException when the bytes start as neither
   */
  public static Declared read(InputStream in, String key) {
    PushbackInputStream pushback = new PushbackInputStream(in, LENGTH);
    byte[] first = new byte[LENGTH];
    int n;
    try {
      n = pushback.readNBytes(first, 0, LENGTH);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + key, e);
    }
    if (n >= AVRO_MAGIC.length && Arrays.equals(first, 0, AVRO_MAGIC.length, AVRO_MAGIC, 0, 4)) {
      unread(pushback, first, n, key);
      return new Declared(Optional.empty(), pushback);
    }
    if (n == LENGTH && Arrays.equals(first, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      long keyId = Integer.toUnsignedLong(ByteBuffer.wrap(first, MAGIC.length, 4).getInt());
      return new Declared(Optional.of(new EnvelopeHeader(keyId)), pushback);
    }
    if (n >= 7 && Arrays.equals(first, 0, 7, MAGIC, 0, 7)) {
      throw new io.walstream.archive.error.UnknownFormatException(
          key, "Cannot read " + key + ": unknown envelope version " + first[7]);
    }
    throw new IntegrityException(
        key, "Cannot read " + key + ": starts with neither an Avro container nor an envelope");
  }

  private static void unread(PushbackInputStream in, byte[] bytes, int n, String key) {
    try {
      in.unread(bytes, 0, n);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + key, e);
    }
  }
}
