package io.walstream.restorer.plan;

import io.walstream.schemas.value.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A contiguous part of a database's history between recorded gaps: a restore to a target inside it
 * crosses exactly the gaps before it, so only the first window (no gap before it) restores exactly
 * without {@link GapPolicy#ACCEPT}.
 *
 * @param afterLsn the window holds transactions after this lsn (the position of the gaps before
 *     it); null for the first window, which starts at the database's first transaction
 * @param fromLsn the first archived lsn, for the first window; null otherwise
 * @param toLsn the last lsn of the window
 * @param toCommitMicros the commit time at its end
 * @param gapsBefore every gap a restore into this window crosses
 */
public record RestorableWindow(
    Long afterLsn, Long fromLsn, long toLsn, long toCommitMicros, List<Gap> gapsBefore) {
  public RestorableWindow {
    gapsBefore = List.copyOf(gapsBefore);
  }

  /** Whether targets in this window restore exactly (no gap before it). */
  public boolean exact() {
    return gapsBefore.isEmpty();
  }

  /**
   * The windows of a database whose records span {@code window}, cut at each of its {@code gaps}.
   */
  public static List<RestorableWindow> between(RestoreWindow window, List<Gap> gaps) {
    List<RestorableWindow> windows = new ArrayList<>();
    if (window.earliestLsn() == null) {
      return windows;
    }
    // Gaps at the same place cut once. A gap before a stream's first record could hide records
    // of any lsn: it is crossed by every window. A gap after the last record is crossed only by
    // the latest target, and cuts no window.
    TreeMap<Long, List<Gap>> cuts = new TreeMap<>();
    for (Gap gap : gaps) {
      long at = gap.afterLsn() == null ? Long.MIN_VALUE : gap.afterLsn();
      cuts.computeIfAbsent(at, k -> new ArrayList<>()).add(gap);
    }
    List<Gap> crossed = new ArrayList<>();
    Long after = null;
    for (var cut : cuts.entrySet()) {
      long at = cut.getKey();
      if (at >= window.latestLsn()) {
        break;
      }
      if (at >= window.earliestLsn()) {
        windows.add(
            new RestorableWindow(
                after,
                after == null ? window.earliestLsn() : null,
                at,
                cut.getValue().get(0).afterCommitMicros(),
                crossed));
        after = at;
      }
      crossed.addAll(cut.getValue());
    }
    windows.add(
        new RestorableWindow(
            after,
            after == null ? window.earliestLsn() : null,
            window.latestLsn(),
            window.latestCommitMicros(),
            crossed));
    return windows;
  }

  @Override
  public String toString() {
    String from = afterLsn == null ? "lsn " + fromLsn : "after lsn " + afterLsn;
    return from
        + " to "
        + toLsn
        + " ("
        + Values.formatTimestamp(Values.fromMicros(toCommitMicros))
        + ")"
        + (exact()
            ? ", exact"
            : ", crosses "
                + gapsBefore.size()
                + (gapsBefore.size() == 1 ? " gap" : " gaps")
                + " (--accept-gaps)");
  }
}
