package io.walstream.schemas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;

/** Checks that a README configuration table lists every key of a ConfigDef with its default. */
public final class ReadmeConfigTable {
  private ReadmeConfigTable() {}

  /**
   * Asserts that the part of the repository's README from heading {@code from} to heading {@code
   * to} has a row {@code | `key` | `default` |} for every key of {@code definition} (the default
   * only where it is not empty).
   */
  public static void assertLists(ConfigDef definition, String from, String to) {
    String all;
    try {
      all = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read README.md", e);
    }
    assertThat(all).contains(from, to);
    String section = all.substring(all.indexOf(from), all.indexOf(to, all.indexOf(from)));
    for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
      String row = "| `" + key.name + "` | ";
      assertThat(section).as("README row for %s", key.name).contains(row);
      if (key.hasDefault() && key.defaultValue != null) {
        String shown =
            key.defaultValue instanceof List<?> list
                ? String.join(",", list.stream().map(Object::toString).toList())
                : key.defaultValue.toString();
        if (!shown.isEmpty()) {
          assertThat(section)
              .as("README default of %s", key.name)
              .contains(row + "`" + shown + "`");
        }
      }
    }
  }
}
