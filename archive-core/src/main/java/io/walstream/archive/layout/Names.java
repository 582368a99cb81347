package io.walstream.archive.layout;

import java.nio.charset.StandardCharsets;

/**
 * Validation and key encoding of names that come from data (database names, topic names).
 *
 * <p>A valid name is 1 to 249 characters of well-formed Unicode without control characters whose
 * encoding is at most {@value #MAX_ENCODED_LENGTH} characters. Its encoding keeps ASCII letters,
 * digits, {@code -}, {@code .} and {@code _} and percent-encodes every other UTF-8 byte as {@code
 * %XX} (upper-case hex), plus a leading {@code .} or {@code _}. The encoding is injective and never
 * contains {@code /}, so no name can produce a key outside its own prefix: {@code ..} becomes
 * {@code %2E.}, {@code a/b} becomes {@code a%2Fb}, {@code %2F} becomes {@code %252F}, a fullwidth
 * solidus becomes {@code %EF%BC%8F}. Names starting with {@code _} are encoded so that top-level
 * keys beginning with {@code _} stay reserved for the archive's indexes.
 */
public final class Names {
  /** Kafka's limit for topic names, also applied to database names. */
  public static final int MAX_LENGTH = 249;

  /**
   * Longest encoded form accepted: an encoded name is a whole path component of some key (the
   * partition index entry ends in the encoded database name), and filesystems hold components of at
   * most 255 bytes. The longest key the layout builds from two such names stays far below S3's
   * 1024-byte limit (see {@code ArchiveLayoutTest}).
   */
  public static final int MAX_ENCODED_LENGTH = 255;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Names() {}

  /** The problem with {@code name}, or null when it is valid. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        return String.format("control character U+%04X at %d", (int) c, i);
      }
      if (Character.isHighSurrogate(c)
          && (i + 1 == name.length() || !Character.isLowSurrogate(name.charAt(i + 1)))) {
        return "lone surrogate at " + i;
      }
      if (Character.isLowSurrogate(c)
          && (i == 0 || !Character.isHighSurrogate(name.charAt(i - 1)))) {
        return "lone surrogate at " + i;
      }
    }
    if (encodeUnchecked(name).length() > MAX_ENCODED_LENGTH) {
      return "encodes to more than " + MAX_ENCODED_LENGTH + " key characters";
    }
    return null;
  }

  /** Returns {@code name} when valid; otherwise throws naming the {@code what} and the problem. */
  public static String requireValid(String what, String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new InvalidNameException(
          "Cannot use " + what + " name '" + printable(name) + "': " + problem);
    }
    return name;
  }

  /** The key form of a valid name. */
  public static String encode(String what, String name) {
    return encodeUnchecked(requireValid(what, name));
  }

  /** The name a key form encodes; throws IllegalArgumentException for malformed encodings. */
  public static String decode(String encoded) {
    byte[] out = new byte[encoded.length()];
    int n = 0;
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          throw new IllegalArgumentException("Cannot decode name '" + encoded + "': cut escape");
        }
        int high = Character.digit(encoded.charAt(i + 1), 16);
        int low = Character.digit(encoded.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          throw new IllegalArgumentException("Cannot decode name '" + encoded + "': bad escape");
        }
        out[n++] = (byte) (high << 4 | low);
        i += 2;
      } else {
        out[n++] = (byte) c;
      }
    }
    String name = new String(out, 0, n, StandardCharsets.UTF_8);
    if (!encodeUnchecked(name).equals(encoded)) {
      throw new IllegalArgumentException("Cannot decode name '" + encoded + "': not canonical");
    }
    return name;
  }

  private static String encodeUnchecked(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length + 8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xFF;
      boolean plain =
          (b >= 'a' && b <= 'z')
              || (b >= 'A' && b <= 'Z')
              || (b >= '0' && b <= '9')
              || b == '-'
              || ((b == '.' || b == '_') && i > 0);
      if (plain) {
        sb.append((char) b);
      } else {
        sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
      }
    }
    return sb.toString();
  }

  private static String printable(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    name.codePoints()
        .limit(80)
        .forEach(
            cp -> {
              if (Character.isISOControl(cp)) {
                sb.append(String.format("\\u%04X", cp));
              } else {
                sb.appendCodePoint(cp);
              }
            });
    return name.length() > 80 ? sb + "..." : sb.toString();
  }
}
