package io.walstream.archive.format;

import java.util.Arrays;
import java.util.List;

/**
 * One version of the archive's data keyset as stored (docs/FORMAT.md §12): which key-encryption key
 * wrapped it, which data keys it holds and which is primary, and the Tink keyset itself, encrypted.
 * Everything but {@code encryptedKeyset} is readable without a key (for {@code keys list} and
 * {@code verify}) and is bound to the ciphertext as its associated data, so it cannot be edited
 * without the KEK noticing.
 *
 * @param version the keyset's version: 0 for the first, one more for each rotation or rewrap
 * @param kek the id of the key-encryption key that wrapped it (never secret)
 * @param createdMicros when this version was written
 * @param primaryKeyId the data key new objects are encrypted with
 * @param keys every data key, oldest first
 * @param encryptedKeyset the Tink keyset, encrypted under the KEK
 */
public record StoredKeyset(
    long version,
    String kek,
    long createdMicros,
    long primaryKeyId,
    List<DataKey> keys,
    byte[] encryptedKeyset) {
  /** The format version of keyset objects. */
  public static final int FORMAT_VERSION = 1;

  public StoredKeyset {
    keys = List.copyOf(keys);
    encryptedKeyset = encryptedKeyset.clone();
    if (version < 0) {
      throw new IllegalArgumentException("Cannot describe keyset: negative version " + version);
    }
    if (kek == null || kek.isBlank()) {
      throw new IllegalArgumentException("Cannot describe keyset: no kek id");
    }
    if (keys.stream().noneMatch(k -> k.id() == primaryKeyId)) {
      throw new IllegalArgumentException(
          "Cannot describe keyset: primary key " + primaryKeyId + " is not one of its keys");
    }
    if (keys.stream().map(DataKey::id).distinct().count() != keys.size()) {
      throw new IllegalArgumentException("Cannot describe keyset: a key id repeats");
    }
  }

  /** One data key: its id (an unsigned 32-bit number, as Tink assigns it) and when it was added. */
  public record DataKey(long id, long createdMicros) {
    public DataKey {
      if (id < 0 || id > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("Cannot describe data key: bad id " + id);
      }
    }
  }

  @Override
  public byte[] encryptedKeyset() {
    return encryptedKeyset.clone();
  }

  /** Whether the keyset holds a data key of {@code id}. */
  public boolean has(long id) {
    return keys.stream().anyMatch(k -> k.id() == id);
  }

  /** This keyset's metadata with {@code ciphertext} as its encrypted keyset. */
  public StoredKeyset withEncryptedKeyset(byte[] ciphertext) {
    return new StoredKeyset(version, kek, createdMicros, primaryKeyId, keys, ciphertext);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredKeyset k
        && version == k.version
        && kek.equals(k.kek)
        && createdMicros == k.createdMicros
        && primaryKeyId == k.primaryKeyId
        && keys.equals(k.keys)
        && Arrays.equals(encryptedKeyset, k.encryptedKeyset);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(encryptedKeyset);
  }

  @Override
  public String toString() {
    return "StoredKeyset[version="
        + version
        + ", kek="
        + kek
        + ", primaryKeyId="
        + primaryKeyId
        + ", keys="
        + keys
        + "]";
  }
}
