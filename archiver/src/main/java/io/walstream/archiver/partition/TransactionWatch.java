package io.walstream.archiver.partition;

/**
 * What one stream shows of its transactions as records arrive: an lsn left without its txLast
 * record before a later lsn, or a txIndex that skips a number. Only within the stream: a database
 * spread over several input topics has a stream per topic, and the rest of a transaction may be in
 * another, so the archiver archives such records as usual, counts and logs what it sees, and leaves
 * the judgement to restores and {@code verify}, which merge the database's streams (docs/FORMAT.md
 * §5.1).
 */
final class TransactionWatch {
  private long lsn = Long.MIN_VALUE;
  private int lastTxIndex = -1;
  private boolean open;
  private long firstOffset = -1;

  /**
   * Takes the next buffered record of the stream.
   *
   * @return what looked incomplete, in words, or null
   */
  String observe(long recordLsn, int txIndex, boolean txLast, long offset) {
    String seen = null;
    if (recordLsn != lsn) {
      if (open) {
        seen =
            String.format(
                "transaction lsn %d (from source offset %d) has no txLast record in this stream"
                    + " before lsn %d at offset %d",
                lsn, firstOffset, recordLsn, offset);
      } else if (txIndex != 0) {
        seen =
            String.format(
                "transaction lsn %d starts at txIndex %d in this stream (source offset %d)",
                recordLsn, txIndex, offset);
      }
      lsn = recordLsn;
      firstOffset = offset;
    } else if (txIndex > lastTxIndex + 1) {
      seen =
          String.format(
              "transaction lsn %d skips from txIndex %d to %d in this stream (source offset %d)",
              recordLsn, lastTxIndex, txIndex, offset);
    }
    lastTxIndex = txIndex;
    open = !txLast;
    return seen;
  }
}
