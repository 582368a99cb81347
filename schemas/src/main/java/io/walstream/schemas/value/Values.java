package io.walstream.schemas.value;

import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.TimestampValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Conversions between the column values of a {@link io.walstream.schemas.avro.ChangeRecord} and
 * plain Java types, and their canonical text forms.
 *
 * <p>A column value is one of: {@code null}, {@link Boolean}, {@link Integer}, {@link Long}, {@link
 * Float}, {@link Double}, {@link CharSequence}, {@link ByteBuffer}, {@link DecimalValue}, {@link
 * DateValue} or {@link TimestampValue}.
 */
public final class Values {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

  private Values() {}

  public static DecimalValue decimal(BigDecimal value) {
    return new DecimalValue(ByteBuffer.wrap(value.unscaledValue().toByteArray()), value.scale());
  }

  public static BigDecimal toBigDecimal(DecimalValue value) {
    ByteBuffer buffer = value.getUnscaled().duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    if (bytes.length == 0) {
      throw new IllegalArgumentException("Cannot read decimal: empty unscaled value");
    }
    return new BigDecimal(new BigInteger(bytes), value.getScale());
  }

  public static DateValue date(LocalDate date) {
    return new DateValue(date);
  }

  /** A timestamp value; sub-microsecond precision is an error rather than silently dropped. */
  public static TimestampValue timestamp(Instant instant) {
    return new TimestampValue(requireMicros(instant));
  }

  /** Throws unless {@code instant} has at most microsecond precision. */
  public static Instant requireMicros(Instant instant) {
    if (instant.getNano() % 1_000 != 0) {
      throw new IllegalArgumentException(
          "Cannot use timestamp " + instant + ": more precise than microseconds");
    }
    return instant;
  }

  /** ISO-8601 UTC with exactly six fraction digits, e.g. {@code 2026-11-21T10:00:00.123456Z}. */
  public static String formatTimestamp(Instant instant) {
    LocalDateTime t =
        LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return TIMESTAMP.format(t);
    }
    // By hand: a restore formats one timestamp per row and column, and DateTimeFormatter (which
    // prints fractions through BigDecimal) measured at 40% of the applying thread.
    char[] c = new char[27];
    digits(c, 0, t.getYear(), 4);
    c[4] = '-';
    digits(c, 5, t.getMonthValue(), 2);
    c[7] = '-';
    digits(c, 8, t.getDayOfMonth(), 2);
    c[10] = 'T';
    digits(c, 11, t.getHour(), 2);
    c[13] = ':';
    digits(c, 14, t.getMinute(), 2);
    c[16] = ':';
    digits(c, 17, t.getSecond(), 2);
    c[19] = '.';
    digits(c, 20, t.getNano() / 1000, 6);
    c[26] = 'Z';
    return new String(c);
  }

  private static void digits(char[] into, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      into[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * Parses an ISO-8601 UTC timestamp ending in {@code Z} with up to microsecond precision.
   *
   * @throws IllegalArgumentException naming what was wrong
   */
  private static final java.util.regex.Pattern LEAP_SECOND =
      java.util.regex.Pattern.compile("T\\d{2}:\\d{2}:60");

  public static Instant parseTimestamp(String text) {
    if (!text.endsWith("Z")) {
      throw new IllegalArgumentException(
          "Cannot parse timestamp '" + text + "': must be UTC and end in Z");
    }
    if (LEAP_SECOND.matcher(text).find()) {
      // Instant.parse would quietly turn 23:59:60 into 23:59:59, altering the value.
      throw new IllegalArgumentException(
          "Cannot parse timestamp '"
              + text
              + "': a leap second (:60) has no exact microsecond timestamp; write :59.999999 or"
              + " the next second");
    }
    Instant instant;
    try {
      instant = Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Cannot parse timestamp '" + text + "': not ISO-8601 (" + e.getMessage() + ")", e);
    }
    requireMicros(instant);
    try {
      toMicros(instant);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "Cannot parse timestamp '" + text + "': outside the range of microsecond timestamps", e);
    }
    return instant;
  }

  /** Microseconds since the epoch. */
  public static long toMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  /** The instant {@code micros} microseconds after the epoch. */
  public static Instant fromMicros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** A copy of the bytes between position and limit, leaving the buffer untouched. */
  public static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
