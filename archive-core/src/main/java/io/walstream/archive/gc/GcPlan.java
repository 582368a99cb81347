package io.walstream.archive.gc;

import java.time.Duration;
import java.util.List;

/**
 * What garbage collection would remove, and what it leaves and why: leftovers older than the grace
 * period go; younger ones stay (a cut or a snapshot build may still be committing them); a database
 * whose archive fails a check gc relies on is left alone entirely.
 *
 * @param minAge the grace period
 * @param remove leftovers older than it
 * @param tooYoung leftovers written within it, and snapshot chunks while a snapshot build of their
 *     database holds a lease
 * @param skipped per database left alone, the reason (verify says more)
 */
public record GcPlan(
    Duration minAge, List<Leftover> remove, List<Leftover> tooYoung, List<String> skipped) {
  public GcPlan {
    remove = List.copyOf(remove);
    tooYoung = List.copyOf(tooYoung);
    skipped = List.copyOf(skipped);
  }

  /** Bytes the plan frees. */
  public long bytes() {
    return remove.stream().mapToLong(Leftover::size).sum();
  }
}
