package io.walstream.archive.store;

import io.walstream.archive.error.ErrorClassifier;
import io.walstream.archive.error.ErrorClassifier.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * An {@link ObjectStore} on a local (or mounted) filesystem; keys map to paths under the root.
 *
 * <p>A put writes a temporary dot-file in the target's directory, fsyncs it, hard-links it to the
 * target name (which fails when the target exists, giving put-if-absent atomically), removes the
 * temporary name and fsyncs the directory. A crash at any point leaves either no object or the
 * whole object; leftover temporary files start with a dot, which no valid key segment does, so
 * reads and listings never see them. The filesystem must support hard links.
 */
public final class FileSystemObjectStore implements ObjectStore {
  private static final String TEMP_SUFFIX = ".tmp";

  // A temporary name must fit wherever its key's name does (255 bytes per path component): the
  // key's name is cut to leave room for the dot, the random part and the suffix.
  private static final int TEMP_NAME_PREFIX = 255 - 2 - 36 - TEMP_SUFFIX.length();

  private final Path root;
  private final Runnable beforeLink;

  /** A store at {@code root}, which is created when it does not exist (for writers). */
  public FileSystemObjectStore(Path root) {
    this(root, () -> {});
  }

  /** For crash tests: {@code beforeLink} runs after the temporary file is durable. */
  FileSystemObjectStore(Path root, Runnable beforeLink) {
    this(root, beforeLink, Creation.CREATE);
  }

  private enum Creation {
    CREATE,
    REQUIRE_EXISTING
  }

  private FileSystemObjectStore(Path root, Runnable beforeLink, Creation creation) {
    this.root = root.toAbsolutePath().normalize();
    this.beforeLink = beforeLink;
    if (creation == Creation.REQUIRE_EXISTING) {
      if (!Files.isDirectory(this.root)) {
        throw new ArchiveNotFoundException(
            "Cannot read archive "
                + this.root.toUri()
                + ": "
                + (Files.exists(this.root) ? "it is not a directory" : "it does not exist"));
      }
      return;
    }
    if (Files.exists(this.root) && !Files.isDirectory(this.root)) {
      throw new ArchiveNotFoundException(
          "Cannot use archive " + this.root.toUri() + ": it is a file, not a directory");
    }
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw ErrorClassifier.toException(Operation.WRITE, this.root.toString(), e);
    }
  }

  /**
   * A store at an existing {@code root}, for readers: never creates it.
   *
   * @throws ArchiveNotFoundException when {@code root} is not an existing directory
   */
  public static FileSystemObjectStore existing(Path root) {
    return new FileSystemObjectStore(root, () -> {}, Creation.REQUIRE_EXISTING);
  }

  /** The directory holding the objects. */
  public Path root() {
    return root;
  }

  private Path pathOf(String key) {
    return root.resolve(ObjectKeys.requireValid(key));
  }

  @Override
  public PutOutcome putIfAbsent(String key, ObjectContent content) {
    Path target = pathOf(key);
    if (Files.exists(target)) {
      return PutOutcome.ALREADY_EXISTS;
    }
    Path temp = null;
    try {
      createDirectoriesDurably(target.getParent());
      temp = target.resolveSibling(tempName(target.getFileName().toString()));
      writeDurably(temp, content);
      beforeLink.run();
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        return PutOutcome.ALREADY_EXISTS;
      }
      Files.delete(temp);
      temp = null;
      fsyncDirectory(target.getParent());
      return PutOutcome.CREATED;
    } catch (IOException e) {
      throw ErrorClassifier.toException(Operation.WRITE, key, e);
    } finally {
      deleteQuietly(temp, key);
    }
  }

  private static void writeDurably(Path temp, ObjectContent content) throws IOException {
    try (FileChannel channel =
            FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        InputStream in = content.open()) {
      OutputStream out = Channels.newOutputStream(channel);
      in.transferTo(out);
      channel.force(true);
    }
  }

  private void createDirectoriesDurably(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    createDirectoriesDurably(directory.getParent());
    try {
      Files.createDirectory(directory);
    } catch (FileAlreadyExistsException e) {
      return;
    }
    fsyncDirectory(directory.getParent());
  }

  private static void fsyncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteQuietly(Path temp, String key) {
    if (temp == null) {
      return;
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // The put's outcome is already decided; a leftover dot-file is invisible and harmless.
      org.slf4j.LoggerFactory.getLogger(FileSystemObjectStore.class)
          .warn("Cannot delete temporary file {} of object {}: {}", temp, key, e.toString());
    }
  }

  @Override
  public Optional<InputStream> open(String key) {
    try {
      return Optional.of(Files.newInputStream(pathOf(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw ErrorClassifier.toException(Operation.READ, key, e);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    Path path = pathOf(key);
    try {
      if (Files.isDirectory(path)) {
        return Optional.empty();
      }
      return Optional.of(
          new ObjectInfo(key, Files.size(path), Files.getLastModifiedTime(path).toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw ErrorClassifier.toException(Operation.READ, key, e);
    }
  }

  @Override
  public ObjectPage list(String prefix, String startAfter, int maxKeys) {
    ObjectKeys.requireValidPrefix(prefix);
    try {
      return new FileSystemLister(root, prefix, startAfter, maxKeys).page();
    } catch (UncheckedIOException e) {
      throw ErrorClassifier.toException(Operation.LIST, prefix, e.getCause());
    } catch (IOException e) {
      throw ErrorClassifier.toException(Operation.LIST, prefix, e);
    }
  }

  @Override
  public boolean delete(String key) {
    Path path = pathOf(key);
    try {
      if (Files.isDirectory(path)) {
        return false;
      }
      boolean deleted = Files.deleteIfExists(path);
      if (deleted) {
        fsyncDirectory(path.getParent());
      }
      return deleted;
    } catch (IOException e) {
      throw ErrorClassifier.toException(Operation.DELETE, key, e);
    }
  }

  @Override
  public URI uri() {
    return root.toUri();
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "FileSystemObjectStore[" + root + "]";
  }

  /** {@code .<name, cut to fit>.<uuid>.tmp}: at most 255 bytes whatever the key's name. */
  static String tempName(String name) {
    String prefix = name.length() > TEMP_NAME_PREFIX ? name.substring(0, TEMP_NAME_PREFIX) : name;
    return "." + prefix + "." + UUID.randomUUID() + TEMP_SUFFIX;
  }
}
