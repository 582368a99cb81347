package io.walstream.restorer.follow;

/**
 * What a follow loop runs every poll: a round that applies what the archive holds beyond the
 * target's position, and how far behind the target is when a round fails. A {@link Follower} keeps
 * a database current; a {@link TopicMirror} a topic.
 */
public interface FollowRounds {
  /** Applies every complete transaction archived beyond the position. */
  Follower.Round round();

  /** What the archive holds beyond the position. */
  Follower.Behind behind();
}
