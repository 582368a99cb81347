package io.walstream.restorer.follow;

import io.walstream.restorer.sink.Sink;
import java.util.Optional;

/**
 * A follower's target, written in place: rows are committed only together with the follow position
 * they reach, so a reader always sees a transaction boundary of the source and a restart (also
 * after {@code kill -9}) goes on from exactly what the target holds. {@link #commit()} is not used;
 * {@link #checkpoint} commits.
 */
public interface FollowSink extends Sink {
  /** The position the target holds, or empty when no follower has committed one. */
  Optional<FollowPosition> position();

  /**
   * Whether a walstream restore wrote the target (it has the {@code _walstream_restore} table):
   * only such a target is ever replaced by a follower.
   */
  boolean restored();

  /** Commits the rows applied since the last checkpoint together with {@code position}. */
  void checkpoint(FollowPosition position);
}
