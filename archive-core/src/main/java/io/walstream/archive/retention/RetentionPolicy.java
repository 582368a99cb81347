package io.walstream.archive.retention;

import io.walstream.archive.read.StoredSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a database must stay restorable to: the rule that picks its floor snapshot. */
public sealed interface RetentionPolicy {
  /**
   * The snapshot everything before which may expire, from {@code retained} (a database's retained
   * snapshots in LSN order), at {@code now}; empty when the policy keeps everything.
   */
  Optional<StoredSnapshot> floor(List<StoredSnapshot> retained, Instant now);

  /** The policy as the CLI writes it. */
  String describe();

  /** Keep the newest {@code count} snapshots and everything after the oldest of them. */
  record KeepSnapshots(int count) implements RetentionPolicy {
    public KeepSnapshots {
      if (count < 1) {
        throw new IllegalArgumentException(
            "Cannot keep " + count + " snapshots: keep at least 1 (the floor is a snapshot)");
      }
    }

    @Override
    public Optional<StoredSnapshot> floor(List<StoredSnapshot> retained, Instant now) {
      if (retained.size() <= count) {
        return Optional.empty();
      }
      return Optional.of(retained.get(retained.size() - count));
    }

    @Override
    public String describe() {
      return "--keep-snapshots " + count;
    }
  }

  /**
   * Keep every point in time of the last {@code window}: the floor is the newest snapshot all of
   * whose transactions committed at or before now minus the window, so that every time in the
   * window (and every lsn after that snapshot) stays restorable.
   */
  record KeepWindow(Duration window) implements RetentionPolicy {
    public KeepWindow {
      if (window.isNegative()) {
        throw new IllegalArgumentException("Cannot keep a negative window " + window);
      }
    }

    @Override
    public Optional<StoredSnapshot> floor(List<StoredSnapshot> retained, Instant now) {
      Instant cutoff = now.minus(window);
      long cutoffMicros = cutoff.getEpochSecond() * 1_000_000L + cutoff.getNano() / 1000;
      StoredSnapshot floor = null;
      for (StoredSnapshot s : retained) {
        if (s.snapshot().maxCommitTime() <= cutoffMicros) {
          floor = s;
        }
      }
      return Optional.ofNullable(floor);
    }

    @Override
    public String describe() {
      return "--keep-window " + window;
    }
  }
}
