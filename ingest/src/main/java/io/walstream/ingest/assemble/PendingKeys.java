package io.walstream.ingest.assemble;

/**
 * Every key of the assembler's state store, built in one place. Numbers are zero-padded so that the
 * store's byte order is numeric order; transaction ids are length-prefixed so that no id can be a
 * prefix of another's keys.
 */
final class PendingKeys {
  static final String STATE_PREFIX = "t|";
  static final String EVENT_PREFIX = "e|";
  static final String RELEASED_PREFIX = "r|";
  static final String DEAD_SNAPSHOT_PREFIX = "d|";
  static final String RELEASED_ORDER_PREFIX = "o|";
  static final String NEXT_END = "n|end";

  /** The queue position of the END first in commit order still waiting. */
  static final String HEAD = "n|head";

  static final String NEXT_RELEASE = "n|release";
  static final String OLDEST_RELEASE = "n|oldest-release";

  private PendingKeys() {}

  private static String id(String transactionId) {
    return transactionId.length() + ":" + transactionId;
  }

  /** Prefix of every event of one transaction. */
  static String events(String transactionId) {
    return EVENT_PREFIX + id(transactionId) + "|";
  }

  /** What an {@link #event} key names. */
  record EventKey(String transactionId, long order) {}

  /** Reads an {@link #event} key back. */
  static EventKey parseEvent(String key) {
    int colon = key.indexOf(':', EVENT_PREFIX.length());
    int length = Integer.parseInt(key.substring(EVENT_PREFIX.length(), colon));
    String id = key.substring(colon + 1, colon + 1 + length);
    return new EventKey(id, Long.parseLong(key.substring(colon + 2 + length)));
  }

  /** One event of a transaction, by its 1-based total order. */
  static String event(String transactionId, long totalOrder) {
    return events(transactionId) + pad(totalOrder);
  }

  static String state(String transactionId) {
    return STATE_PREFIX + id(transactionId);
  }

  /** The transaction a {@link #state}, {@link #released} or {@link #deadSnapshot} key names. */
  static String transactionOf(String key) {
    return key.substring(key.indexOf(':') + 1);
  }

  /** The END that arrived {@code seq}-th: the queue of ENDs in commit order. */
  static String queue(long seq) {
    return "q|" + pad(seq);
  }

  /** A transaction released already, remembered for events the source sends again. */
  static String released(String transactionId) {
    return RELEASED_PREFIX + id(transactionId);
  }

  /** A snapshot dead-lettered already: its rows sent again are dead-lettered too, never held. */
  static String deadSnapshot(String transactionId) {
    return DEAD_SNAPSHOT_PREFIX + id(transactionId);
  }

  static String releasedOrder(long seq) {
    return RELEASED_ORDER_PREFIX + pad(seq);
  }

  /** {@code n} in 19 digits, as {@code String.format("%019d", n)} writes it (which costs more). */
  static String pad(long n) {
    if (n < 0) {
      return String.format("%019d", n);
    }
    String digits = Long.toString(n);
    return "0".repeat(19 - digits.length()) + digits;
  }
}
