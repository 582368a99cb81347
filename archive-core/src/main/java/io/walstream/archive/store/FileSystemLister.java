package io.walstream.archive.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One page of a filesystem listing in the key order of {@link ObjectStore#list}: a depth-first walk
 * that visits each directory's entries sorted by their key text ({@code name/} for directories, so
 * that {@code a/b} sorts after {@code a-c} as the keys do), pruning subtrees that lie wholly at or
 * before {@code startAfter} or outside the prefix, and stopping as soon as the page is full.
 */
final class FileSystemLister {
  private final Path root;
  private final String prefix;
  private final String startAfter;
  private final int maxKeys;
  private final List<ObjectInfo> found = new ArrayList<>();
  private boolean truncated;

  FileSystemLister(Path root, String prefix, String startAfter, int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("Cannot list " + prefix + ": maxKeys must be positive");
    }
    this.root = root;
    this.prefix = prefix;
    this.startAfter = startAfter;
    this.maxKeys = maxKeys;
  }

  ObjectPage page() throws IOException {
    int slash = prefix.lastIndexOf('/');
    String directoryKey = slash < 0 ? "" : prefix.substring(0, slash + 1);
    Path directory = directoryKey.isEmpty() ? root : root.resolve(directoryKey);
    if (Files.isDirectory(directory)) {
      walk(directory, directoryKey);
    }
    return new ObjectPage(found, truncated);
  }

  /** Returns false once the page is full. */
  private boolean walk(Path directory, String directoryKey) throws IOException {
    TreeMap<String, Path> entries = new TreeMap<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path entry : stream) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        boolean isDirectory = Files.isDirectory(entry);
        entries.put(directoryKey + name + (isDirectory ? "/" : ""), entry);
      }
    }
    for (var entry : entries.entrySet()) {
      String key = entry.getKey();
      if (key.endsWith("/")) {
        if (!relevantDirectory(key)) {
          continue;
        }
        if (!walk(entry.getValue(), key)) {
          return false;
        }
      } else if (key.startsWith(prefix) && (startAfter == null || key.compareTo(startAfter) > 0)) {
        if (found.size() == maxKeys) {
          truncated = true;
          return false;
        }
        try {
          Path file = entry.getValue();
          found.add(
              new ObjectInfo(key, Files.size(file), Files.getLastModifiedTime(file).toInstant()));
        } catch (java.nio.file.NoSuchFileException deletedMeanwhile) {
          // Deleted after the directory was read: it is not part of this listing.
        }
      }
    }
    return true;
  }

  private boolean relevantDirectory(String directoryKey) {
    boolean matchesPrefix = directoryKey.startsWith(prefix) || prefix.startsWith(directoryKey);
    if (!matchesPrefix) {
      return false;
    }
    // Every key below sorts between directoryKey and directoryKey + '\u007f'.
    return startAfter == null
        || startAfter.startsWith(directoryKey)
        || startAfter.compareTo(directoryKey) < 0;
  }
}
