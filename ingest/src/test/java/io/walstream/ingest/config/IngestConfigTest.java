package io.walstream.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.testing.ReadmeConfigTable;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
  private static Map<String, Object> minimal() {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", "localhost:9092");
    m.put(IngestConfig.TOPICS_REGEX, "pg\\.public\\..*");
    return m;
  }

  @Test
  void shouldDefaultToExactlyOnceAndTheDocumentedTopics() {
    IngestConfig c = IngestConfig.parse(minimal());
    assertThat(c.outputTopic()).isEqualTo("walstream.changes");
    assertThat(c.dlqTopic()).isEqualTo("walstream.ingest.dlq");
    assertThat(c.transactionTopic()).isEmpty();
    assertThat(c.applicationId()).isEqualTo("walstream-ingest");
    assertThat(c.streamsProperties()).containsEntry("processing.guarantee", "exactly_once_v2");
    assertThat(c.limits().transactionTimeout().toMillis()).isEqualTo(300_000);
  }

  @Test
  void shouldDocumentEveryKeyWithItsDefaultInTheReadme() {
    ReadmeConfigTable.assertLists(IngestConfig.DEFINITION, "### Ingest", "### Restore service");
  }

  @Test
  void shouldRefuseARegexThatMatchesItsOwnOutput() {
    Map<String, Object> m = minimal();
    m.put(IngestConfig.TOPICS_REGEX, "walstream\\..*");
    assertThatThrownBy(() -> IngestConfig.parse(m))
        .isInstanceOf(WalstreamException.class)
        .hasMessageContaining("matches the ingest's own topic walstream.changes")
        .extracting(e -> ((WalstreamException) e).kind())
        .isEqualTo(ErrorKind.INVALID_CONFIG);
  }

  @Test
  void shouldNameABadKeyOrValue() {
    Map<String, Object> typo = minimal();
    typo.put("ingest.transaction.timout.ms", "5");
    assertThatThrownBy(() -> IngestConfig.parse(typo))
        .hasMessageContaining("unknown key 'ingest.transaction.timout.ms'");
    Map<String, Object> format = minimal();
    format.put(IngestConfig.FORMAT, "protobuf");
    assertThatThrownBy(() -> IngestConfig.parse(format)).hasMessageContaining(IngestConfig.FORMAT);
    Map<String, Object> regex = minimal();
    regex.put(IngestConfig.TOPICS_REGEX, "pg(");
    assertThatThrownBy(() -> IngestConfig.parse(regex))
        .hasMessageContaining("is not a regular expression");
    Map<String, Object> guarantee = minimal();
    guarantee.put("processing.guarantee", "at_least_once");
    assertThatThrownBy(() -> IngestConfig.parse(guarantee)).hasMessageContaining("exactly_once_v2");
  }

  @Test
  void shouldShowNoSecretWhenPrinted() {
    Map<String, Object> settings = new java.util.HashMap<>();
    settings.put("bootstrap.servers", "kafka:9093");
    settings.put(IngestConfig.TOPICS_REGEX, "pg\\.public\\..*");
    settings.put("security.protocol", "SASL_SSL");
    settings.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"i\""
            + " password=\"hunter2\";");
    settings.put(IngestConfig.SCHEMA_REGISTRY_USER_INFO, "reg:hunter3");
    String shown = IngestConfig.parse(settings).toString();
    assertThat(shown).doesNotContain("hunter2", "hunter3").contains("kafka:9093", "[hidden]");
  }
}
