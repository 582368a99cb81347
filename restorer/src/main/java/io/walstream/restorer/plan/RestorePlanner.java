package io.walstream.restorer.plan;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Retention;
import io.walstream.archive.read.StoredManifest;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans a restore: a pure function of the chains of a database's streams and the target. Takes, per
 * stream, every manifest from the start of the chain up to (and including) the last one that can
 * hold a transaction within the target; refuses targets outside the restorable window.
 */
public final class RestorePlanner {
  private RestorePlanner() {}

  /**
   * The plan for restoring {@code database} to {@code target}.
   *
   * @throws TargetNotRestorableException when the target is outside the window, or lies past a
   *     recorded gap and {@code gaps} is {@link GapPolicy#REFUSE} (the message names every gap)
   */
  public static RestorePlan plan(
      String database, List<StreamChain> chains, RestoreTarget target, GapPolicy gaps) {
    return plan(database, chains, target, gaps, null);
  }

  /**
   * As {@link #plan(String, List, RestoreTarget, GapPolicy)} for chains that start at {@code
   * retention}'s floor (may be null): the window starts at its floor snapshot, and a target before
   * it is refused.
   */
  public static RestorePlan plan(
      String database,
      List<StreamChain> chains,
      RestoreTarget target,
      GapPolicy gaps,
      Retention retention) {
    RestoreWindow window =
        retention == null ? window(chains) : window(chains).from(retention.snapshot());
    requireWithin(database, window, target, retention);
    List<Gap> crossed = gaps(chains).stream().filter(g -> g.crossedBy(target)).toList();
    if (!crossed.isEmpty() && gaps == GapPolicy.REFUSE) {
      throw new TargetNotRestorableException(
          "Cannot restore database "
              + database
              + " to "
              + target.describe()
              + " exactly: it lies past "
              + crossed.size()
              + (crossed.size() == 1 ? " recorded gap" : " recorded gaps")
              + " ("
              + String.join("; ", crossed.stream().map(Gap::toString).toList())
              + "); restore to a point before it, or accept the gaps (--accept-gaps) to restore"
              + " without the missing records");
    }
    List<RestorePlan.StreamPlan> streams = new ArrayList<>();
    for (StreamChain chain : chains) {
      List<StoredManifest> taken = new ArrayList<>();
      Long beyond = null;
      for (StoredManifest stored : chain.manifests()) {
        if (stored.manifest() instanceof Manifest.Segment m
            && !target.mayHold(m.first().lsn(), m.commitTimes().minMicros())) {
          beyond = m.first().lsn();
          break;
        }
        taken.add(stored);
      }
      streams.add(new RestorePlan.StreamPlan(chain.stream(), taken, beyond));
    }
    return new RestorePlan(
        database, target, window, streams, crossed, "not checked against the manifests topic");
  }

  /** Every recorded gap of the chains, each placed after its stream's records before it. */
  public static List<Gap> gaps(List<StreamChain> chains) {
    List<Gap> gaps = new ArrayList<>();
    for (StreamChain chain : chains) {
      Long lastLsn = null;
      Long maxCommit = null;
      for (StoredManifest stored : chain.manifests()) {
        Manifest m = stored.manifest();
        if (m instanceof Manifest.Segment segment) {
          long max = segment.commitTimes().maxMicros();
          lastLsn = segment.last().lsn();
          maxCommit = maxCommit == null ? max : Math.max(maxCommit, max);
        } else {
          gaps.add(
              new Gap(
                  chain.stream(),
                  m.seq(),
                  stored.key(),
                  m.offsets().first(),
                  m.offsets().last(),
                  lastLsn,
                  maxCommit));
        }
      }
    }
    return gaps;
  }

  /** The LSN and time ranges of every record of the chains. */
  public static RestoreWindow window(List<StreamChain> chains) {
    return RestoreWindow.spanning(
        chains.stream()
            .flatMap(chain -> chain.manifests().stream())
            .map(StoredManifest::manifest)
            .toList());
  }

  private static void requireWithin(
      String database, RestoreWindow window, RestoreTarget target, Retention retention) {
    if (window.earliestLsn() == null) {
      throw new TargetNotRestorableException(
          "Cannot restore database " + database + ": the archive holds no records of it");
    }
    boolean before = target.before(window);
    boolean after = target.after(window);
    if (before || after) {
      throw new TargetNotRestorableException(
          "Cannot restore database "
              + database
              + " to "
              + target.describe()
              + ": it is "
              + (before && retention != null
                  ? "before the oldest retained restore point (retention expired everything"
                      + " before snapshot "
                      + retention.snapshot().key()
                      + ")"
                  : (before ? "before the first" : "after the last") + " archived transaction")
              + ";"
              + " the restorable window is "
              + window);
    }
  }
}
