package io.walstream.restorer.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which outputs a command may write: SQLite files only inside the allowed directories (compared
 * after resolving {@code ..} and symlinks, so neither can lead outside), JDBC targets only under
 * the allowed URL prefixes, Kafka topics only when listed, and an existing output only when both
 * the command and the configuration allow overwriting (a follow job resumes its existing target).
 */
final class SinkPolicy {
  private final List<Path> allowedDirs;
  private final List<String> allowedUrlPrefixes;
  private final List<String> allowedTopics;
  private final boolean allowOverwrite;

  SinkPolicy(RestoreServiceConfig config) {
    List<Path> dirs = new ArrayList<>();
    for (Path dir : config.sqliteAllowedDirs()) {
      dirs.add(resolve(dir));
    }
    this.allowedDirs = List.copyOf(dirs);
    this.allowedUrlPrefixes = config.jdbcAllowedUrlPrefixes();
    this.allowedTopics = config.kafkaAllowedTopics();
    this.allowOverwrite = config.allowOverwrite();
  }

  /** The topic, or the reason change records may not be replayed into it. */
  Decision<String> kafka(String topic) {
    if (!allowedTopics.contains(topic)) {
      return Decision.refuse(
          "topic "
              + topic
              + " is not an allowed restore topic ("
              + RestoreServiceConfig.KAFKA_ALLOWED_TOPICS
              + " is "
              + (allowedTopics.isEmpty() ? "empty" : String.valueOf(allowedTopics))
              + ")");
    }
    return Decision.allow(topic);
  }

  /**
   * The resolved SQLite file a follow job keeps current, or the reason it is not allowed: inside
   * the allowed directories; an existing file is what a follow job resumes (the follower never
   * replaces a file no restore wrote, and replaces one that diverged only when the command asks to
   * overwrite and the service allows it).
   */
  Decision<Path> followSqlite(String path) {
    return sqlite(path, true, true);
  }

  /** The resolved SQLite output, or the reason it is not allowed. */
  Decision<Path> sqlite(String path, boolean overwrite) {
    return sqlite(path, overwrite, false);
  }

  private Decision<Path> sqlite(String path, boolean overwrite, boolean existingFollowed) {
    Path resolved;
    try {
      resolved = resolve(Path.of(path));
    } catch (RuntimeException e) {
      return Decision.refuse("output path '" + path + "' cannot be resolved: " + e.getMessage());
    }
    Optional<Path> inside =
        allowedDirs.stream()
            .filter(dir -> resolved.startsWith(dir) && !resolved.equals(dir))
            .findFirst();
    if (inside.isEmpty()) {
      return Decision.refuse(
          "output "
              + resolved
              + " is outside the allowed directories "
              + allowedDirs
              + " ("
              + RestoreServiceConfig.SQLITE_ALLOWED_DIRS
              + ")");
    }
    if (Files.isDirectory(resolved)) {
      return Decision.refuse("output " + resolved + " is a directory");
    }
    String existing =
        existingFollowed
            ? null
            : existingOutput(Files.exists(resolved), overwrite, "file " + resolved);
    return existing == null ? Decision.allow(resolved) : Decision.refuse(existing);
  }

  /** The JDBC URL, or the reason it is not allowed. */
  Decision<String> jdbc(String url, boolean overwrite) {
    if (!url.startsWith("jdbc:postgresql:")) {
      return Decision.refuse("only PostgreSQL JDBC URLs (jdbc:postgresql:...) are supported");
    }
    if (allowedUrlPrefixes.stream().noneMatch(url::startsWith)) {
      return Decision.refuse(
          "JDBC URL "
              + redact(url)
              + " matches no allowed prefix ("
              + RestoreServiceConfig.JDBC_ALLOWED_URL_PREFIXES
              + " is "
              + (allowedUrlPrefixes.isEmpty() ? "empty" : allowedUrlPrefixes.size() + " prefixes")
              + ")");
    }
    if (overwrite && !allowOverwrite) {
      return Decision.refuse(overwriteDisallowed("the target schema"));
    }
    return Decision.allow(url);
  }

  /**
   * Whether the service may replace an existing output for a command asking {@code overwrite}; a
   * schema that exists without it makes the PostgreSQL sink fail the job.
   */
  boolean replaceExisting(boolean overwrite) {
    return overwrite && allowOverwrite;
  }

  private String existingOutput(boolean exists, boolean overwrite, String what) {
    if (!exists) {
      return null;
    }
    if (!overwrite) {
      return what + " exists and the command does not ask to overwrite it";
    }
    return allowOverwrite ? null : overwriteDisallowed(what);
  }

  private static String overwriteDisallowed(String what) {
    return "the command asks to overwrite "
        + what
        + " but "
        + RestoreServiceConfig.ALLOW_OVERWRITE
        + " is false";
  }

  /** A JDBC URL without its password, for messages. */
  static String redact(String url) {
    return url.replaceAll("password=[^&;]*", "password=***");
  }

  /**
   * The absolute path with {@code ..} and every symlink of its existing part resolved; the part
   * that does not exist yet is appended as written, normalized.
   */
  static Path resolve(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    Path rest = Path.of("");
    while (existing != null && !Files.exists(existing)) {
      rest = existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(rest).normalize();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + existing, e);
    }
  }

  /** Allowed with a value, or refused with a reason. */
  record Decision<T>(T value, String refusal) {
    static <T> Decision<T> allow(T value) {
      return new Decision<>(value, null);
    }

    static <T> Decision<T> refuse(String reason) {
      return new Decision<>(null, reason);
    }

    boolean allowed() {
      return refusal == null;
    }
  }
}
