package io.walstream.restorer.follow;

import io.walstream.archive.format.Snapshot;
import java.util.List;
import java.util.Objects;

/**
 * How far a follower's target is: every complete transaction of {@code database} up to {@code lsn}
 * is in it and none after; per stream, the last manifest whose records it holds wholly, with that
 * manifest's hash (what a restart checks the archive against). Committed in the same target
 * transaction as the rows it covers.
 *
 * @param database the database followed
 * @param lsn the last transaction applied
 * @param commitMicros its commit time
 * @param streams per stream, the manifests wholly applied (as a snapshot records them)
 */
public record FollowPosition(
    String database, long lsn, long commitMicros, List<Snapshot.StreamPosition> streams) {
  public FollowPosition {
    Objects.requireNonNull(database, "database");
    streams = List.copyOf(streams);
  }
}
