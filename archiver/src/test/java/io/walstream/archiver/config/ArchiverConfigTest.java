package io.walstream.archiver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.InvalidConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class ArchiverConfigTest {
  private static Map<String, Object> minimal() {
    Map<String, Object> settings = new HashMap<>();
    settings.put("archive.uri", "file:///var/lib/walstream");
    settings.put("bootstrap.servers", "broker:9092");
    return settings;
  }

  @Test
  void shouldDocumentEveryKey() {
    for (ConfigDef.ConfigKey key : ArchiverConfig.DEFINITION.configKeys().values()) {
      assertThat(key.documentation).as("doc of %s", key.name).isNotBlank();
    }
    assertThat(ArchiverConfig.DEFINITION.names()).hasSizeGreaterThanOrEqualTo(18);
  }

  @Test
  void shouldApplyProductionDefaultsAndExactlyOnce() {
    ArchiverConfig config = ArchiverConfig.parse(minimal());

    assertThat(config.inputTopics()).containsExactly("walstream.changes");
    assertThat(config.manifestsTopic()).isEqualTo("walstream.manifests");
    assertThat(config.dlqTopic()).isEqualTo("walstream.dlq");
    assertThat(config.segmentMaxAge()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.segmentCompressionLevel()).isEqualTo(3);
    assertThat(config.gapPolicy()).isEqualTo(ArchiverConfig.GapPolicy.FAIL);
    assertThat(config.applicationId()).isEqualTo("walstream-archiver");
    assertThat(config.streamsProperties())
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("consumer.isolation.level", "read_committed")
        .containsEntry("commit.interval.ms", 1000)
        .containsEntry("bootstrap.servers", "broker:9092")
        .doesNotContainKey("archive.uri");
  }

  @Test
  void shouldPassKafkaKeysThroughAndParseListsOfTopics() {
    Map<String, Object> settings = minimal();
    settings.put("input.topics", "a.changes, b.changes");
    settings.put("num.stream.threads", "2");

    ArchiverConfig config = ArchiverConfig.parse(settings);

    assertThat(config.inputTopics()).isEqualTo(List.of("a.changes", "b.changes"));
    assertThat(config.streamsProperties()).containsEntry("num.stream.threads", "2");
  }

  @Test
  void shouldRefuseAMisspeltKeyNamingItInsteadOfIgnoringIt() {
    Map<String, Object> settings = minimal();
    settings.put("segment.max-recrods", "5");

    assertThatThrownBy(() -> ArchiverConfig.parse(settings))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("unknown key 'segment.max-recrods'")
        .hasMessageContaining("custom.segment.max-recrods");
  }

  @Test
  void shouldAcceptClientKeysBehindStreamsPrefixesAndPassCustomKeysThrough() {
    Map<String, Object> settings = minimal();
    settings.put("main.consumer.fetch.min.bytes", "1024");
    settings.put("producer.linger.ms", "5");
    settings.put("topic.retention.ms", "1000");
    settings.put("sasl.mechanism", "SCRAM-SHA-512");
    settings.put("custom.interceptor.setting", "on");

    ArchiverConfig config = ArchiverConfig.parse(settings);

    assertThat(config.streamsProperties())
        .containsEntry("main.consumer.fetch.min.bytes", "1024")
        .containsEntry("producer.linger.ms", "5")
        .containsEntry("topic.retention.ms", "1000")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("interceptor.setting", "on")
        .doesNotContainKey("custom.interceptor.setting");
    Map<String, Object> bogus = minimal();
    bogus.put("consumer.no.such.key", "1");
    assertThatThrownBy(() -> ArchiverConfig.parse(bogus))
        .hasMessageContaining("unknown key 'consumer.no.such.key'");
  }

  @Test
  void shouldRefuseAnotherProcessingGuarantee() {
    Map<String, Object> settings = minimal();
    settings.put("processing.guarantee", "at_least_once");

    assertThatThrownBy(() -> ArchiverConfig.parse(settings))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("processing.guarantee must be exactly_once_v2");
  }

  @Test
  void shouldNameTheKeyWhenAValueIsInvalid() {
    Map<String, Object> settings = minimal();
    settings.put("segment.max-records", 0);

    assertThatThrownBy(() -> ArchiverConfig.parse(settings))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("segment.max-records");
  }

  @Test
  void shouldAcceptZstdLevelsFromFastToStrongAndNameTheKeyOutsideThem() {
    Map<String, Object> settings = minimal();
    settings.put("segment.compression.level", "-5");
    assertThat(ArchiverConfig.parse(settings).segmentCompressionLevel()).isEqualTo(-5);

    settings.put("segment.compression.level", "20");
    assertThatThrownBy(() -> ArchiverConfig.parse(settings))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("segment.compression.level")
        .hasMessageContaining("20");
  }

  @Test
  void shouldRequireTheArchiveUriAndAValidOne() {
    Map<String, Object> none = minimal();
    none.remove("archive.uri");
    Map<String, Object> bad = minimal();
    bad.put("archive.uri", "ftp://x");

    assertThatThrownBy(() -> ArchiverConfig.parse(none))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("archive.uri");
    assertThatThrownBy(() -> ArchiverConfig.parse(bad))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("unsupported scheme 'ftp'");
  }

  @Test
  void shouldRefuseStorageRetriesThatCouldOutliveTheTransaction() {
    Map<String, Object> settings = minimal();
    settings.put("storage.retry.max-elapsed.ms", 40_000L);

    assertThatThrownBy(() -> ArchiverConfig.parse(settings))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("must be under half of transaction.timeout.ms (60000)");
  }

  @Test
  void shouldRefuseACommitIntervalLongerThanTheTransactionTimeout() {
    Map<String, Object> settings = minimal();
    settings.put("commit.interval.ms", 600_000);

    assertThatThrownBy(() -> ArchiverConfig.parse(settings))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(
            "commit.interval.ms (600000) must be under transaction.timeout.ms (60000)");
  }

  @Test
  void shouldRequireBootstrapServers() {
    Map<String, Object> settings = minimal();
    settings.remove("bootstrap.servers");

    assertThatThrownBy(() -> ArchiverConfig.parse(settings))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("bootstrap.servers is required");
  }
}
