package io.walstream.restorer.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.retention.Expiry;
import io.walstream.archive.retention.HeldLock;
import io.walstream.archive.retention.MaintenanceLocks;
import io.walstream.archive.retention.Retainer;
import io.walstream.archive.retention.RetentionPlan;
import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import io.walstream.schemas.error.WalstreamException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots and retention in the restore service: a SNAPSHOT command's build, and the scheduled
 * runs. Each holds the database's maintenance lock ({@link MaintenanceLocks}), so that across
 * instances one snapshot or retention run per database happens at a time.
 */
final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

  private final ObjectStore store;
  private final String instanceId;
  private final MaintenanceSettings settings;
  private final MeterRegistry registry;
  private final MaintenanceLocks locks;
  private final io.walstream.archive.read.ArchiveReader reader;

  Maintenance(
      ObjectStore store,
      io.walstream.archive.read.ArchiveReader reader,
      String instanceId,
      MaintenanceSettings settings,
      MeterRegistry registry) {
    this.store = store;
    this.reader = reader;
    this.instanceId = instanceId;
    this.settings = settings;
    this.registry = registry;
    this.locks = new MaintenanceLocks(store);
  }

  MaintenanceSettings settings() {
    return settings;
  }

  /**
   * Builds and commits the snapshot of {@code database} at {@code target}, holding its lock.
   *
   * @throws MaintenanceLocks.Busy when another instance is snapshotting or retaining it
   */
  SnapshotBuilder.Result snapshot(String database, RestoreTarget target, GapPolicy gaps) {
    try (HeldLock lock = lock(database, "snapshot")) {
      SnapshotBuilder.Result result = build(database, target, gaps);
      count("walstream.restorer.snapshots", result.made().name());
      return result;
    }
  }

  private HeldLock lock(String database, String purpose) {
    return locks.acquire(database, instanceId, purpose, MaintenanceLocks.DEFAULT_TTL);
  }

  private SnapshotBuilder.Result build(String database, RestoreTarget target, GapPolicy gaps) {
    try {
      Files.createDirectories(settings.workDir());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the snapshot work directory " + settings.workDir(), e);
    }
    return new SnapshotBuilder(
            reader, "snapshot-" + instanceId, io.walstream.archive.format.SnapshotChunks.MAX_ROWS)
        .build(database, target, gaps, settings.workDir());
  }

  /**
   * One scheduled run over every configured database: a new snapshot of its latest state when
   * segments were archived since its last one, then retention. A database another instance is
   * working on is skipped until the next run; any failure is logged and counted, never thrown.
   */
  void runScheduled() {
    List<String> databases =
        settings.databases().isEmpty()
            ? new ArchiveReader(store).databases()
            : settings.databases();
    for (String database : databases) {
      try (HeldLock lock = lock(database, "scheduled snapshot and retention")) {
        scheduled(database);
      } catch (MaintenanceLocks.Busy e) {
        count("walstream.restorer.maintenance.busy", "skipped");
        LOG.info("Scheduled run skips {}: {}", database, e.getMessage());
      } catch (WalstreamException | UncheckedIOException e) {
        count("walstream.restorer.maintenance.failures", "failed");
        LOG.warn("Scheduled snapshot or retention of {} failed: {}", database, e.getMessage());
      }
    }
  }

  private void scheduled(String database) {
    RestorePlan plan =
        new Restorer(reader, Restorer.DEFAULT_PARALLELISM)
            .plan(database, new RestoreTarget.Latest(), GapPolicy.REFUSE);
    if (plan.snapshot() != null && plan.segments() == 0) {
      count("walstream.restorer.snapshots", "UNCHANGED");
    } else {
      SnapshotBuilder.Result built = build(database, new RestoreTarget.Latest(), GapPolicy.REFUSE);
      count("walstream.restorer.snapshots", built.made().name());
      LOG.info(
          "Scheduled snapshot of {}: {} at lsn {} ({} rows)",
          database,
          built.made(),
          built.snapshot().snapshot().lsn(),
          built.snapshot().snapshot().rows());
    }
    if (settings.policy() == null) {
      return;
    }
    Retainer retainer = new Retainer(store, "retention-" + instanceId);
    RetentionPlan retention =
        retainer.plan(List.of(database), settings.policy(), settings.minAge(), Instant.now());
    if (!retention.skipped().isEmpty()) {
      throw new WalstreamException(String.join("; ", retention.skipped()));
    }
    List<Expiry> deleted = retainer.apply(retention);
    registry.counter("walstream.restorer.retention.objects.deleted").increment(deleted.size());
    registry
        .counter("walstream.restorer.retention.bytes.deleted")
        .increment(deleted.stream().mapToLong(Expiry::size).sum());
    if (!deleted.isEmpty()) {
      LOG.info("Retention of {} deleted {} expired objects", database, deleted.size());
    }
  }

  private void count(String name, String result) {
    registry.counter(name, "result", result).increment();
  }
}
