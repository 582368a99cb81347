package io.walstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A scenario's scratch directory under the system temp dir, deleted with everything in it. */
final class WorkDir implements AutoCloseable {
  private final Path path;

  WorkDir(String prefix) throws IOException {
    this.path = Files.createTempDirectory(prefix);
  }

  Path path() {
    return path;
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(path)) {
      // Deepest first, so that every directory is empty when its turn comes.
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete bench work directory " + path, e);
    }
  }
}
