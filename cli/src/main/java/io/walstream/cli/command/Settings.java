package io.walstream.cli.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Builds a settings map: a properties file first, then command-line values over it. */
final class Settings {
  private final Map<String, Object> values = new HashMap<>();

  /** Loads {@code file} when given. */
  static Settings from(Path file) {
    Settings settings = new Settings();
    if (file != null) {
      Properties properties = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        properties.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read config file " + file + ": " + e.getMessage(), e);
      }
      properties.forEach((k, v) -> settings.values.put((String) k, v));
    }
    return settings;
  }

  /** Sets {@code key} when {@code value} is not null. */
  Settings put(String key, Object value) {
    if (value != null) {
      values.put(key, value);
    }
    return this;
  }

  Settings putAll(Map<String, String> more) {
    if (more != null) {
      values.putAll(more);
    }
    return this;
  }

  Map<String, Object> map() {
    return values;
  }
}
