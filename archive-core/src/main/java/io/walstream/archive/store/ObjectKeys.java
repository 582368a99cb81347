package io.walstream.archive.store;

/**
 * Validation of object keys, shared by every store so that they accept exactly the same keys.
 *
 * <p>A key is 1 to 1024 printable ASCII characters (0x21 to 0x7E, no backslash), made of non-empty
 * {@code /}-separated segments none of which starts with a dot. Printable ASCII makes {@link
 * String#compareTo} agree with S3's UTF-8 byte order; no leading dots keeps {@code .} and {@code
 * ..} out and leaves dot-names free for the filesystem store's temporary files. Names that come
 * from data are encoded into this alphabet by {@link io.walstream.archive.layout.Names}.
 */
public final class ObjectKeys {
  /** The longest key any store accepts (S3's limit in bytes; keys are ASCII). */
  public static final int MAX_LENGTH = 1024;

  private ObjectKeys() {}

  /** Returns {@code key} when valid; throws IllegalArgumentException naming the problem. */
  public static String requireValid(String key) {
    String problem = problem(key, false);
    if (problem != null) {
      throw new IllegalArgumentException("Invalid object key '" + key + "': " + problem);
    }
    return key;
  }

  /** Returns {@code prefix} when it is a valid listing prefix (empty, or a key or key start). */
  public static String requireValidPrefix(String prefix) {
    if (prefix.isEmpty()) {
      return prefix;
    }
    String problem = problem(prefix, true);
    if (problem != null) {
      throw new IllegalArgumentException("Invalid key prefix '" + prefix + "': " + problem);
    }
    return prefix;
  }

  private static String problem(String key, boolean prefix) {
    if (key == null || key.isEmpty()) {
      return "empty";
    }
    if (key.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7E || c == '\\') {
        return String.format("character U+%04X at %d is not printable ASCII", (int) c, i);
      }
    }
    String[] segments = key.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.isEmpty() && !(prefix && last)) {
        return "empty path segment";
      }
      if (segment.startsWith(".")) {
        return "path segment '" + segment + "' starts with a dot";
      }
    }
    return null;
  }
}
