package io.walstream.archiver.partition;

/**
 * What the archiver did with one input record. Every record gets exactly one decision: nothing is
 * dropped without one.
 */
public sealed interface Decision {
  /** Accepted into its stream's open segment. */
  record Buffered() implements Decision {}

  /** The archive already holds this source offset (re-read after a restart). */
  record AlreadyArchived() implements Decision {}

  /** An exact duplicate of a record already archived or buffered at the same (lsn, txIndex). */
  record Duplicate() implements Decision {}

  /** Cannot be archived: goes to the dead-letter topic with the reason. */
  record DeadLetter(DeadLetterReason reason, String detail) implements Decision {}

  Decision BUFFERED = new Buffered();
  Decision ALREADY_ARCHIVED = new AlreadyArchived();
  Decision DUPLICATE = new Duplicate();
}
