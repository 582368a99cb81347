package io.walstream.restorer.plan;

/**
 * What a restore does when its target lies past a recorded gap of one of the database's streams.
 */
public enum GapPolicy {
  /** Refuse the restore (target not restorable): the result could not be the exact state. */
  REFUSE,
  /** Restore anyway, and report every gap crossed in the result and the status. */
  ACCEPT
}
