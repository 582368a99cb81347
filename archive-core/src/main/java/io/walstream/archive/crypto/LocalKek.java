package io.walstream.archive.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.walstream.archive.error.InvalidConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * A key-encryption key in a local file: a Tink AES-256-GCM keyset in Tink's JSON format. Created
 * with mode 0600 through a temporary file, fsync and a hard link, so that the file is whole or
 * absent and an existing key file is never replaced.
 */
public final class LocalKek implements KeyEncryptionKey {
  private final Path file;
  private final String id;
  private final Aead aead;

  private LocalKek(Path file, KeysetHandle handle) throws GeneralSecurityException {
    this.file = file;
    this.id = "local:" + Integer.toUnsignedString(handle.getPrimary().getId());
    this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
  }

  /**
   * Creates a new KEK at {@code file}.
   *
   * @throws InvalidConfigException when the file exists (it is never replaced) or its directory
   *     cannot be written
   */
  public static LocalKek create(Path file) {
    Tink.register();
    try {
      KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      String json =
          TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
      KeyFiles.writeNew(file, json.getBytes(StandardCharsets.UTF_8), "key-encryption key");
      return new LocalKek(file, handle);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot generate a key-encryption key", e);
    }
  }

  /**
   * Loads the KEK in {@code file}.
   *
   * @throws InvalidConfigException when the file is missing, unreadable or holds no AEAD keyset
   */
  public static LocalKek load(Path file) {
    Tink.register();
    String json = KeyFiles.read(file, "key-encryption key");
    try {
      return new LocalKek(
          file, TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException | RuntimeException e) {
      // The message of a parse failure may quote the file's content, which is secret.
      throw new InvalidConfigException(
          "Cannot read key-encryption key "
              + file
              + ": not a Tink AEAD keyset in JSON (create one with walstream keys create-kek)");
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Aead aead() {
    return aead;
  }

  @Override
  public String source() {
    return file.toString();
  }

  @Override
  public String toString() {
    return "LocalKek[" + file + ", " + id + "]";
  }
}
