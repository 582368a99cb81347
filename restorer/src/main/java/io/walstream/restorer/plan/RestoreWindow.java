package io.walstream.restorer.plan;

import io.walstream.archive.format.Manifest;

/**
 * What a database's archive can be restored to: LSN and commit-time ranges of its records (null
 * when it has none).
 */
public record RestoreWindow(
    Long earliestLsn, Long latestLsn, Long earliestCommitMicros, Long latestCommitMicros) {

  /** The LSN and commit-time ranges of the records of {@code manifests} (gap markers hold none). */
  public static RestoreWindow spanning(Iterable<Manifest> manifests) {
    Long firstLsn = null;
    Long lastLsn = null;
    Long firstTime = null;
    Long lastTime = null;
    for (Manifest manifest : manifests) {
      if (!(manifest instanceof Manifest.Segment m)) {
        continue;
      }
      long first = m.first().lsn();
      long last = m.last().lsn();
      long min = m.commitTimes().minMicros();
      long max = m.commitTimes().maxMicros();
      firstLsn = firstLsn == null ? first : Math.min(firstLsn, first);
      lastLsn = lastLsn == null ? last : Math.max(lastLsn, last);
      firstTime = firstTime == null ? min : Math.min(firstTime, min);
      lastTime = lastTime == null ? max : Math.max(lastTime, max);
    }
    return new RestoreWindow(firstLsn, lastLsn, firstTime, lastTime);
  }

  /**
   * This window after retention expired everything before {@code floor}: it starts at the floor
   * snapshot (its lsn, and its latest commit time: the earliest time a restore can reach).
   */
  public RestoreWindow from(io.walstream.archive.format.Retention.SnapshotRef floor) {
    if (earliestLsn == null) {
      return this;
    }
    return new RestoreWindow(
        Math.max(earliestLsn, floor.lsn()),
        latestLsn,
        Math.max(earliestCommitMicros, floor.maxCommitTime()),
        latestCommitMicros);
  }

  @Override
  public String toString() {
    if (earliestLsn == null) {
      return "empty (no records archived)";
    }
    return "lsn "
        + earliestLsn
        + " to "
        + latestLsn
        + ", commit time "
        + io.walstream.schemas.value.Values.formatTimestamp(
            io.walstream.schemas.value.Values.fromMicros(earliestCommitMicros))
        + " to "
        + io.walstream.schemas.value.Values.formatTimestamp(
            io.walstream.schemas.value.Values.fromMicros(latestCommitMicros));
  }
}
