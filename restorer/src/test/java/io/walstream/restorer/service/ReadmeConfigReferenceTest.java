package io.walstream.restorer.service;

import io.walstream.schemas.testing.ReadmeConfigTable;
import org.junit.jupiter.api.Test;

/** The README's configuration reference cannot drift from the ConfigDef. */
class ReadmeConfigReferenceTest {
  @Test
  void shouldListEveryServiceKeyWithItsDefaultInTheReadme() {
    ReadmeConfigTable.assertLists(
        RestoreServiceConfig.DEFINITION, "### Restore service", "## Modules");
  }
}
