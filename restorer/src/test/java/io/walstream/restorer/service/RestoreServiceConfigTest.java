package io.walstream.restorer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.InvalidConfigException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class RestoreServiceConfigTest {
  private static Map<String, Object> minimal() {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", "localhost:9092");
    m.put(RestoreServiceConfig.ARCHIVE_URI, "file:///tmp/archive");
    return m;
  }

  @Test
  void shouldDocumentEveryKeyWhenDeclared() {
    for (ConfigDef.ConfigKey key : RestoreServiceConfig.DEFINITION.configKeys().values()) {
      assertThat(key.documentation).as(key.name).isNotBlank();
    }
  }

  @Test
  void shouldUseSafeDefaultsWhenOnlyTheRequiredKeysAreGiven() {
    RestoreServiceConfig c = RestoreServiceConfig.parse(minimal());

    assertThat(c.commandsTopic()).isEqualTo("walstream.restore.commands");
    assertThat(c.statusTopic()).isEqualTo("walstream.restore.status");
    assertThat(c.sqliteAllowedDirs()).containsExactly(Path.of("restores"));
    assertThat(c.jdbcAllowedUrlPrefixes()).isEmpty();
    assertThat(c.allowOverwrite()).isFalse();
    assertThat(c.signatureKey()).isNull();
    assertThat(c.maxConcurrentJobs()).isEqualTo(2);
    assertThat(c.clientProperties()).containsEntry("bootstrap.servers", "localhost:9092");
    assertThat(c.clientProperties()).doesNotContainKey(RestoreServiceConfig.ARCHIVE_URI);
  }

  @Test
  void shouldScheduleNothingByDefaultAndParseTheScheduleWhenGiven() {
    Map<String, Object> m = minimal();
    m.put(RestoreServiceConfig.SNAPSHOT_INTERVAL_MS, "3600000");
    m.put(RestoreServiceConfig.SNAPSHOT_DATABASES, "shop, crm");
    m.put(RestoreServiceConfig.RETENTION_KEEP_SNAPSHOTS, "7");

    MaintenanceSettings off = RestoreServiceConfig.parse(minimal()).maintenance();
    MaintenanceSettings on = RestoreServiceConfig.parse(m).maintenance();

    assertThat(off.scheduled()).isFalse();
    assertThat(off.policy()).isNull();
    assertThat(off.minAge()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(on.interval()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(on.databases()).containsExactly("shop", "crm");
    assertThat(on.policy())
        .isEqualTo(new io.walstream.archive.retention.RetentionPolicy.KeepSnapshots(7));
    assertThat(RestoreServiceConfig.parse(m).toString())
        .contains("maintenance=every PT1H, --keep-snapshots 7");
  }

  @Test
  void shouldRefuseTwoRetentionPoliciesAndRetentionWithoutASchedule() {
    Map<String, Object> both = minimal();
    both.put(RestoreServiceConfig.SNAPSHOT_INTERVAL_MS, "60000");
    both.put(RestoreServiceConfig.RETENTION_KEEP_SNAPSHOTS, "2");
    both.put(RestoreServiceConfig.RETENTION_KEEP_WINDOW_MS, "86400000");
    Map<String, Object> unscheduled = minimal();
    unscheduled.put(RestoreServiceConfig.RETENTION_KEEP_WINDOW_MS, "86400000");

    assertThatThrownBy(() -> RestoreServiceConfig.parse(both))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(RestoreServiceConfig.RETENTION_KEEP_SNAPSHOTS)
        .hasMessageContaining(RestoreServiceConfig.RETENTION_KEEP_WINDOW_MS);
    assertThatThrownBy(() -> RestoreServiceConfig.parse(unscheduled))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(RestoreServiceConfig.SNAPSHOT_INTERVAL_MS);
  }

  @Test
  void shouldNameTheKeyWhenAValueIsInvalid() {
    Map<String, Object> m = minimal();
    m.put(RestoreServiceConfig.MAX_CONCURRENT_JOBS, "0");

    assertThatThrownBy(() -> RestoreServiceConfig.parse(m))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(RestoreServiceConfig.MAX_CONCURRENT_JOBS);
  }

  @Test
  void shouldRequireBootstrapServersAndArchiveWhenMissing() {
    Map<String, Object> noBootstrap = minimal();
    noBootstrap.remove("bootstrap.servers");
    Map<String, Object> noArchive = minimal();
    noArchive.remove(RestoreServiceConfig.ARCHIVE_URI);

    assertThatThrownBy(() -> RestoreServiceConfig.parse(noBootstrap))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("bootstrap.servers");
    assertThatThrownBy(() -> RestoreServiceConfig.parse(noArchive))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(RestoreServiceConfig.ARCHIVE_URI);
  }

  @Test
  void shouldParseAllowListsAndKeepTheKeyOutOfToStringWhenConfigured() {
    Map<String, Object> m = minimal();
    m.put(RestoreServiceConfig.SQLITE_ALLOWED_DIRS, "/srv/a, /srv/b");
    m.put(RestoreServiceConfig.JDBC_ALLOWED_URL_PREFIXES, "jdbc:postgresql://db/");
    m.put(RestoreServiceConfig.SIGNATURE_KEY, "s3cret");

    RestoreServiceConfig c = RestoreServiceConfig.parse(m);

    assertThat(c.sqliteAllowedDirs()).containsExactly(Path.of("/srv/a"), Path.of("/srv/b"));
    assertThat(c.jdbcAllowedUrlPrefixes()).isEqualTo(List.of("jdbc:postgresql://db/"));
    assertThat(c.signatureKey()).isEqualTo("s3cret");
    assertThat(c.toString()).doesNotContain("s3cret").contains("signed=true");
  }
}
