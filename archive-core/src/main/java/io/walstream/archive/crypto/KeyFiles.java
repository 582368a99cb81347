package io.walstream.archive.crypto;

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
import java.util.Set;
import java.util.UUID;

/**
 * Key files on local disk: written whole or not at all (temporary file, fsync, hard link, directory
 * fsync), readable by their owner only, never replacing an existing file; read with errors that
 * name the file and never quote its content.
 */
final class KeyFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFiles() {}

  /** Reads key file {@code file} ({@code what} it holds, for messages). */
  static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException("Cannot read " + what + " " + file + ": no such file");
    } catch (IOException e) {
      throw new InvalidConfigException(
          "Cannot read " + what + " " + file + ": " + e.getClass().getSimpleName());
    }
  }

  /**
   * Writes {@code content} to the new file {@code file}, mode 0600.
   *
   * @throws InvalidConfigException when the file exists: a key file is never replaced
   */
  static void writeNew(Path file, byte[] content, String what) {
    Path dir = file.toAbsolutePath().getParent();
    if (Files.exists(file)) {
      throw new InvalidConfigException(
          "Cannot create " + what + " " + file + ": the file exists; it is never replaced");
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
          "Cannot create " + what + " " + file + ": the file exists; it is never replaced");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + what + " " + file, e);
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
}
