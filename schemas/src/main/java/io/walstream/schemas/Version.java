package io.walstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of walstream this build is, as recorded in manifests and printed by the CLI. */
public final class Version {
  private static final String CURRENT = load();

  private Version() {}

  /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String current() {
    return CURRENT;
  }

  private static String load() {
    Properties properties = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("Cannot load version.properties: not on the class path");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read version.properties", e);
    }
    return properties.getProperty("version");
  }
}
