package io.walstream.archive.store;

/** The result of {@link ObjectStore#putIfAbsent}. */
public enum PutOutcome {
  /** This call created the object. */
  CREATED,
  /** An object already existed at the key and was left untouched. */
  ALREADY_EXISTS
}
