package io.walstream.ingest.assemble;

/**
 * Every key of the assembler's state store, built in one place. Numbers are zero-padded so that the
 * store's byte order is numeric order; transaction ids are length-prefixed so that no id can be a
 * prefix of another's keys.
 */
final class PendingKeys {
  static final String STATE_PREFIX = "t|";
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
    return "e|" + id(transactionId) + "|";
  }

  /** One event of a transaction, by its 1-based total order. */
  static String event(String transactionId, long totalOrder) {
    return events(transactionId) + pad(totalOrder);
  }

  static String state(String transactionId) {
    return STATE_PREFIX + id(transactionId);
  }

  /** The transaction a {@link #state} key names. */
  static String transactionOfState(String key) {
    return key.substring(key.indexOf(':') + 1);
  }

  /** The END that arrived {@code seq}-th: the queue of ENDs in commit order. */
  static String queue(long seq) {
    return "q|" + pad(seq);
  }

  /** A transaction released already, remembered for events the source sends again. */
  static String released(String transactionId) {
    return "r|" + id(transactionId);
  }

  /** A snapshot dead-lettered already: its rows sent again are dead-lettered too, never held. */
  static String deadSnapshot(String transactionId) {
    return "d|" + id(transactionId);
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
