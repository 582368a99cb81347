package io.walstream.restorer.service;

import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archive.retention.RetentionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the restore service does on its own schedule: every {@code interval} it snapshots each of
 * {@code databases} (every database when empty) and then, when a {@code policy} is set, applies
 * retention to it, deleting nothing younger than {@code minAge}.
 *
 * @param interval time between two runs; zero when the schedule is off
 * @param databases the databases, or empty for all
 * @param workDir where snapshot builds keep their temporary state
 * @param policy the retention policy, or null for none
 * @param minAge retention's grace period
 */
record MaintenanceSettings(
    Duration interval,
    List<String> databases,
    Path workDir,
    RetentionPolicy policy,
    Duration minAge) {
  MaintenanceSettings {
    databases = List.copyOf(databases);
  }

  /** No schedule. */
  static final MaintenanceSettings OFF =
      new MaintenanceSettings(
          Duration.ZERO,
          List.of(),
          Path.of(System.getProperty("java.io.tmpdir")),
          null,
          Duration.ofHours(1));

  boolean scheduled() {
    return !interval.isZero();
  }

  /**
   * Settings from the parsed keys.
   *
   * @throws InvalidConfigException when both retention policies are set, or retention is set
   *     without a schedule to run it
   */
  static MaintenanceSettings of(
      long intervalMs,
      List<String> databases,
      String workDir,
      int keepSnapshots,
      long keepWindowMs,
      long minAgeMs) {
    if (keepSnapshots > 0 && keepWindowMs > 0) {
      throw new InvalidConfigException(
          "Cannot configure restore service: set one of "
              + RestoreServiceConfig.RETENTION_KEEP_SNAPSHOTS
              + " and "
              + RestoreServiceConfig.RETENTION_KEEP_WINDOW_MS
              + ", not both");
    }
    RetentionPolicy policy =
        keepSnapshots > 0
            ? new RetentionPolicy.KeepSnapshots(keepSnapshots)
            : keepWindowMs > 0
                ? new RetentionPolicy.KeepWindow(Duration.ofMillis(keepWindowMs))
                : null;
    if (policy != null && intervalMs == 0) {
      throw new InvalidConfigException(
          "Cannot configure restore service: retention runs after each scheduled snapshot, so "
              + RestoreServiceConfig.SNAPSHOT_INTERVAL_MS
              + " must be set too (it is 0: no schedule)");
    }
    return new MaintenanceSettings(
        Duration.ofMillis(intervalMs),
        databases.stream().map(String::strip).filter(d -> !d.isEmpty()).toList(),
        workDir.isBlank()
            ? Path.of(System.getProperty("java.io.tmpdir"))
            : Path.of(workDir.strip()),
        policy,
        Duration.ofMillis(minAgeMs));
  }
}
