package io.walstream.archive.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.walstream.archive.error.InvalidConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Set;
import java.util.UUID;

/**
 * A key-encryption key in a local file: a Tink AES-256-GCM keyset in Tink's JSON format. Created
 * with mode 0600 through a temporary file, fsync and a hard link, so that the file is whole or
 * absent and an existing key file is never replaced.
 */
public final class LocalKek implements KeyEncryptionKey {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

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
      writeNew(file, json.getBytes(StandardCharsets.UTF_8));
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
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException("Cannot read key-encryption key " + file + ": no such file");
    } catch (IOException e) {
      throw new InvalidConfigException(
          "Cannot read key-encryption key " + file + ": " + e.getClass().getSimpleName());
    }
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

  private static void writeNew(Path file, byte[] content) {
    Path dir = file.toAbsolutePath().getParent();
    if (Files.exists(file)) {
      throw new InvalidConfigException(
          "Cannot create key-encryption key " + file + ": the file exists; it is never replaced");
    }
    Path temp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(content));
        channel.force(true);
      }
      Files.createLink(file, temp);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (FileAlreadyExistsException e) {
      throw new InvalidConfigException(
          "Cannot create key-encryption key " + file + ": the file exists; it is never replaced");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create key-encryption key " + file, e);
    } finally {
      removeTemporary(temp);
    }
  }

  private static void removeTemporary(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // Only a temporary name of a key already linked into place, or never written.
      throw new UncheckedIOException("Cannot remove temporary file " + temp, e);
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
