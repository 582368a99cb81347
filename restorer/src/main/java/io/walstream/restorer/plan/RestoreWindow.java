package io.walstream.restorer.plan;

/**
 * What a database's archive can be restored to: LSN and commit-time ranges of its records (null
 * when it has none).
 */
public record RestoreWindow(
    Long earliestLsn, Long latestLsn, Long earliestCommitMicros, Long latestCommitMicros) {

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
