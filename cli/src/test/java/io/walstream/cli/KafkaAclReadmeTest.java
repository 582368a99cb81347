package io.walstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.cli.command.CommandGrants;
import io.walstream.ingest.config.IngestConfig;
import io.walstream.restorer.service.RestoreServiceConfig;
import io.walstream.service.kafka.KafkaGrant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's ACL table is what the components ask for, with default names: the grants they name
 * in their refusals, and the ACLs the secured-cluster tests grant.
 */
class KafkaAclReadmeTest {
  private static List<String> rows(String component, List<KafkaGrant> grants) {
    List<String> rows = new ArrayList<>();
    for (KafkaGrant g : grants) {
      rows.add(
          String.join(
              " | ",
              component,
              g.typeWord(),
              g.name(),
              g.pattern().name().toLowerCase(java.util.Locale.ROOT),
              String.join(", ", g.operationNames()).replace('_', ' ')));
    }
    return rows;
  }

  @Test
  void shouldListExactlyTheAclsEachComponentAsksForWithDefaultNames() {
    Map<String, Object> archiver = new LinkedHashMap<>();
    archiver.put(ArchiverConfig.ARCHIVE_URI, "file:///var/lib/walstream");
    archiver.put("bootstrap.servers", "kafka:9092");
    Map<String, Object> service = new LinkedHashMap<>(archiver);
    Map<String, Object> ingest = new LinkedHashMap<>();
    ingest.put("bootstrap.servers", "kafka:9092");
    ingest.put(IngestConfig.TOPICS_REGEX, "pg\\.public\\..*");
    ingest.put(IngestConfig.TRANSACTION_TOPIC, "pg.transaction");
    List<String> expected = new ArrayList<>();
    expected.addAll(rows("archiver", ArchiverConfig.parse(archiver).grants()));
    expected.addAll(rows("restore service", RestoreServiceConfig.parse(service).grants()));
    expected.addAll(rows("ingest", IngestConfig.parse(ingest).grants()));
    CommandGrants.defaults().forEach((command, grants) -> expected.addAll(rows(command, grants)));

    List<String> listed =
        KafkaAclTable.rows().stream()
            .map(
                r ->
                    String.join(
                        " | ", r.component(), r.resource(), r.name(), r.pattern(), r.operations()))
            .toList();
    assertThat(listed)
        .as(
            "README %s; expected rows:%n| %s |",
            KafkaAclTable.HEADING, String.join(" |\n| ", expected))
        .containsExactlyInAnyOrderElementsOf(expected);
  }
}
