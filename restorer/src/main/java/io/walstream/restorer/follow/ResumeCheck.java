package io.walstream.restorer.follow;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Retention;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StoredManifest;
import io.walstream.restorer.plan.StreamChain;
import java.util.List;

/**
 * What a follower's saved position says about the archive now (one of four outcomes, decided at
 * start and again every round): the archive still holds it ({@code CONTINUE}); retention removed
 * what the next transaction needs ({@code RESEED}); the manifest at a saved seq has another hash,
 * the archive was replaced ({@code DIVERGED}); or a saved seq is beyond the archive's head, a
 * rollback ({@code AHEAD}).
 */
public final class ResumeCheck {
  /** The four outcomes. */
  public enum Outcome {
    CONTINUE,
    RESEED,
    DIVERGED,
    AHEAD
  }

  /**
   * An outcome, and for the last three the stream and seq that decided it.
   *
   * @param outcome what to do
   * @param key the manifest key that decided it, or null for CONTINUE
   * @param detail why, for the log and the refusal
   */
  public record Verdict(Outcome outcome, String key, String detail) {
    /** The refusal a follower without {@code --reseed} stops with (exit 4). */
    public Refused refusal(String output) {
      return new Refused(
          key,
          "Cannot go on following into "
              + output
              + ": "
              + detail
              + "; rerun with --reseed to restore it afresh from the archive as it is now");
    }
  }

  /** A follower that must not go on: the archive diverged from its file or rolled back. */
  public static final class Refused extends IntegrityException {
    Refused(String key, String message) {
      super(key, message);
    }
  }

  private ResumeCheck() {}

  /**
   * The verdict on {@code position} against {@code chains}, read from {@code retention}'s floor.
   */
  public static Verdict of(FollowPosition position, List<StreamChain> chains, Retention retention) {
    for (Snapshot.StreamPosition saved : position.streams()) {
      StreamId stream = saved.stream(position.database());
      StreamChain chain =
          chains.stream().filter(c -> c.stream().equals(stream)).findFirst().orElse(null);
      Verdict verdict = ofStream(saved, stream, chain, retention);
      if (verdict != null) {
        return verdict;
      }
    }
    return unsavedStreams(position, chains);
  }

  /** The verdict on one saved stream position, or null when the archive still holds it. */
  private static Verdict ofStream(
      Snapshot.StreamPosition saved, StreamId stream, StreamChain chain, Retention retention) {
    String key = ArchiveLayout.manifestKey(stream, saved.seq());
    if (chain == null || chain.manifests().isEmpty()) {
      return new Verdict(
          Outcome.AHEAD, key, "the archive holds no manifest of " + stream + " any more");
    }
    long first = chain.manifests().get(0).manifest().seq();
    long head = chain.manifests().get(chain.manifests().size() - 1).manifest().seq();
    if (saved.seq() > head) {
      return new Verdict(
          Outcome.AHEAD,
          key,
          "the position reached seq "
              + saved.seq()
              + " of "
              + stream
              + " but the archive's head is seq "
              + head
              + " (rolled back)");
    }
    if (saved.seq() < first) {
      return new Verdict(
          Outcome.RESEED,
          key,
          "retention ("
              + (retention == null ? "?" : retention.key())
              + ") expired seq "
              + saved.seq()
              + " of "
              + stream
              + ", the position the follower reached");
    }
    StoredManifest there = chain.manifests().get((int) (saved.seq() - first));
    if (!there.sha256().equals(saved.manifestSha256())) {
      return new Verdict(
          Outcome.DIVERGED,
          key,
          "seq "
              + saved.seq()
              + " of "
              + stream
              + " hashes to "
              + there.sha256()
              + ", the follower applied one hashing to "
              + saved.manifestSha256()
              + " (the archive was replaced)");
    }
    return null;
  }

  /**
   * Streams with no saved position: nothing of them was applied wholly. When retention expired
   * their start, what lies there after the position may be gone: reseed.
   */
  private static Verdict unsavedStreams(FollowPosition position, List<StreamChain> chains) {
    for (StreamChain chain : chains) {
      boolean saved =
          position.streams().stream()
              .anyMatch(p -> p.stream(position.database()).equals(chain.stream()));
      if (!saved && !chain.manifests().isEmpty() && chain.manifests().get(0).manifest().seq() > 0) {
        return new Verdict(
            Outcome.RESEED,
            chain.manifests().get(0).key(),
            "retention expired the start of "
                + chain.stream()
                + ", which the follower had not reached");
      }
    }
    return new Verdict(Outcome.CONTINUE, null, "the archive holds the saved position");
  }
}
