package io.walstream.archiver.config;

import io.walstream.schemas.testing.ReadmeConfigTable;
import org.junit.jupiter.api.Test;

/** The README's configuration reference cannot drift from the ConfigDef. */
class ReadmeConfigReferenceTest {
  @Test
  void shouldListEveryArchiverKeyWithItsDefaultInTheReadme() {
    // The archiver's own table: the restore service has keys of the same names.
    ReadmeConfigTable.assertLists(ArchiverConfig.DEFINITION, "### Archiver", "### Ingest");
  }
}
