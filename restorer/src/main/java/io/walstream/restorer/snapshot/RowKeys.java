package io.walstream.restorer.snapshot;

import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.TimestampValue;
import io.walstream.schemas.value.Values;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of a row within its table, as bytes whose order is the key's order: its key columns
 * in name order, each value tagged with its kind and written so that unsigned byte order is value
 * order (numbers big-endian with the sign flipped, text and bytes escaped and terminated). Values
 * compare as SQL compares them: an int is the long of the same value, a float the double, a decimal
 * its number whatever its scale. Rows sorted by these bytes are in key order, which lets a restore
 * from a snapshot append to its tables' indexes instead of writing at random.
 */
final class RowKeys {
  private RowKeys() {}

  static byte[] encode(Map<String, Object> key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32);
    new TreeMap<>(key)
        .forEach(
            (name, value) -> {
              escaped(out, name.getBytes(StandardCharsets.UTF_8));
              value(out, value);
            });
    return out.toByteArray();
  }

  private static void value(ByteArrayOutputStream out, Object value) {
    if (value == null) {
      out.write(0);
    } else if (value instanceof Boolean b) {
      out.write(1);
      out.write(b ? 1 : 0);
    } else if (value instanceof Integer || value instanceof Long) {
      out.write(2);
      ordered(out, ((Number) value).longValue());
    } else if (value instanceof Float || value instanceof Double) {
      out.write(3);
      long bits = Double.doubleToLongBits(((Number) value).doubleValue());
      ordered(out, bits < 0 ? ~bits ^ Long.MIN_VALUE : bits);
    } else if (value instanceof CharSequence s) {
      out.write(4);
      escaped(out, s.toString().getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof ByteBuffer b) {
      out.write(5);
      escaped(out, Values.bytes(b));
    } else if (value instanceof DateValue d) {
      out.write(6);
      ordered(out, d.getDays().toEpochDay());
    } else if (value instanceof TimestampValue t) {
      out.write(7);
      ordered(out, Values.toMicros(t.getMicros()));
    } else if (value instanceof DecimalValue d) {
      out.write(8);
      String number = Values.toBigDecimal(d).stripTrailingZeros().toPlainString();
      escaped(out, number.getBytes(StandardCharsets.UTF_8));
    } else {
      throw new IllegalArgumentException(
          "Cannot key a row by a value of class " + value.getClass().getName());
    }
  }

  /** A long, big-endian with the sign bit flipped: unsigned byte order is signed order. */
  private static void ordered(ByteArrayOutputStream out, long value) {
    long flipped = value ^ Long.MIN_VALUE;
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (flipped >>> shift) & 0xff);
    }
  }

  /** Bytes with 0x00 written as 0x00 0xFF, ended by 0x00 0x00: a prefix sorts first. */
  private static void escaped(ByteArrayOutputStream out, byte[] bytes) {
    for (byte b : bytes) {
      out.write(b);
      if (b == 0) {
        out.write(0xff);
      }
    }
    out.write(0);
    out.write(0);
  }
}
