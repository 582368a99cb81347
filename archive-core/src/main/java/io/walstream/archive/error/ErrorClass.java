package io.walstream.archive.error;

/** What a failed storage call means for the caller; see {@link ErrorClassifier}. */
public enum ErrorClass {
  /** Retry with backoff. */
  TRANSIENT,
  /** A write may have happened; re-read before retrying. */
  OUTCOME_UNKNOWN,
  /** Do not retry. */
  PERMANENT,
  /** The object does not exist: an ordinary result. */
  NOT_FOUND,
  /** A put-if-absent found an object already there: an ordinary result. */
  ALREADY_EXISTS
}
