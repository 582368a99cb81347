package io.walstream.schemas.value;

import java.util.Locale;

/**
 * LSNs as users write them: a plain non-negative number, or PostgreSQL's {@code X/Y} notation (two
 * hexadecimal halves of the 64-bit WAL position, as {@code pg_current_wal_lsn()} prints it).
 */
public final class Lsn {
  private Lsn() {}

  /** Parses {@code 12345} or {@code 16/B374D848}; throws naming the text when it is neither. */
  public static long parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    try {
      if (slash < 0) {
        long value = Long.parseLong(t);
        if (value < 0) {
          throw new IllegalArgumentException("Cannot use LSN '" + text + "': it is negative");
        }
        return value;
      }
      long high = Long.parseLong(t.substring(0, slash), 16);
      long low = Long.parseLong(t.substring(slash + 1), 16);
      if (high < 0 || high > 0x7FFF_FFFFL || low < 0 || low > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException(
            "Cannot use LSN '" + text + "': each half of X/Y is at most 8 hex digits");
      }
      return (high << 32) | low;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Cannot use LSN '"
              + text
              + "': expected a number or PostgreSQL's X/Y (hex), e.g. 16/B374D848",
          e);
    }
  }

  /** PostgreSQL's notation of {@code lsn}. */
  public static String postgres(long lsn) {
    return String.format(Locale.ROOT, "%X/%X", lsn >>> 32, lsn & 0xFFFF_FFFFL);
  }
}
