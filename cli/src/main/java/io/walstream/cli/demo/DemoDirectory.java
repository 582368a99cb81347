package io.walstream.cli.demo;

import io.walstream.schemas.error.WalstreamException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo's data directory: broker data, archive, restores and logs. A directory from an earlier
 * demo (it holds a marker file) is reset; any other non-empty directory is refused, so the demo
 * never deletes data it did not make.
 */
public final class DemoDirectory {
  private static final String MARKER = ".walstream-demo";

  private final Path root;
  private final boolean reset;

  private DemoDirectory(Path root, boolean reset) {
    this.root = root;
    this.reset = reset;
  }

  /** Prepares {@code root}: creates it, or resets an earlier demo's. */
  public static DemoDirectory prepare(Path root) {
    Path dir = root.toAbsolutePath().normalize();
    try {
      boolean earlier = Files.exists(dir.resolve(MARKER));
      if (!earlier && Files.isDirectory(dir)) {
        try (Stream<Path> entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            throw new WalstreamException(
                "Cannot use "
                    + dir
                    + " for the demo: it is not empty and was not made by an earlier demo");
          }
        }
      }
      if (earlier) {
        deleteTree(dir);
      }
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(MARKER), "made by walstream demo; deleted by the next run\n");
      DemoDirectory d = new DemoDirectory(dir, earlier);
      Files.createDirectories(d.restores());
      Files.createDirectories(d.logs());
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare demo directory " + dir, e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Whether an earlier demo's directory was reset. */
  public boolean wasReset() {
    return reset;
  }

  public Path root() {
    return root;
  }

  public Path kafka() {
    return root.resolve("kafka");
  }

  public Path archive() {
    return root.resolve("archive");
  }

  public Path restores() {
    return root.resolve("restores");
  }

  public Path logs() {
    return root.resolve("logs");
  }
}
