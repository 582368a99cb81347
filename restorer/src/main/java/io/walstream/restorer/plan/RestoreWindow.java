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
    for (Manifest m : manifests) {
      if (m.kind() != Manifest.Kind.SEGMENT) {
        continue;
      }
      firstLsn = firstLsn == null ? m.firstLsn() : Math.min(firstLsn, m.firstLsn());
      lastLsn = lastLsn == null ? m.lastLsn() : Math.max(lastLsn, m.lastLsn());
      firstTime =
          firstTime == null
              ? m.minCommitTimeMicros()
              : Math.min(firstTime, m.minCommitTimeMicros());
      lastTime =
          lastTime == null ? m.maxCommitTimeMicros() : Math.max(lastTime, m.maxCommitTimeMicros());
    }
    return new RestoreWindow(firstLsn, lastLsn, firstTime, lastTime);
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
