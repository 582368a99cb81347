package io.walstream.archiver.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/** The README's configuration reference cannot drift from the ConfigDef. */
class ReadmeConfigReferenceTest {
  @Test
  void shouldListEveryArchiverKeyWithItsDefaultInTheReadme() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);

    for (ConfigDef.ConfigKey key : ArchiverConfig.DEFINITION.configKeys().values()) {
      String row = "| `" + key.name + "` | ";
      assertThat(readme).as("README row for %s", key.name).contains(row);
      if (key.hasDefault() && key.defaultValue != null && !key.defaultValue.toString().isEmpty()) {
        String shown =
            key.defaultValue instanceof java.util.List<?> list
                ? String.join(",", list.stream().map(Object::toString).toList())
                : key.defaultValue.toString();
        assertThat(readme).as("README default of %s", key.name).contains(row + "`" + shown + "`");
      }
    }
  }
}
