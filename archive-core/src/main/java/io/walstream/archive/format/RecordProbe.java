package io.walstream.archive.format;

import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.codec.DecodeException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what the archiver needs to decide about a record straight from its Avro binary body in the
 * current ChangeRecord schema, skipping column values instead of materialising them: the database
 * and table names, whether every column name is plain, the op, whether there is a key and an after
 * image, and the ordering fields. Allocates nothing in the common case (names come from a small
 * cache), which matters because the archiver sees every record once and keeps only its bytes. Not
 * thread-safe: one per partition.
 *
 * <p>It accepts exactly the bodies that the full decoder reads (the archive keeps the bytes of
 * every accepted record and restores decode them with it): negative lengths and counts, overlong
 * varints, union or enum indexes out of range, truncation and trailing bytes are refused. The field
 * order and the Value union's branches are those of {@code ChangeRecord.avsc}; the property tests
 * in {@code RecordProbeTest} hold this class to the full decoder. It lives beside {@link
 * ChangeRecordDatumWriter}, which writes the same layout: the record's binary form is in one place.
 */
public final class RecordProbe {
  /** What the probe read; reused by the next probe of the same prober. */
  public static final class Result {
    private String database;
    private String table;
    private int op;
    private long keyColumns;
    private boolean hasAfter;
    private boolean columnsPlain;
    // A decimal whose unscaled value has no bytes: Avro reads it, but it is no number
    // (BigInteger#toByteArray never writes it), so no restore could apply it.
    private boolean emptyDecimal;
    private long lsn;
    private int txIndex;
    private boolean txLast;
    private long commitTimeMicros;

    public String database() {
      return database;
    }

    public String table() {
      return table;
    }

    /** The op's index in the Op enum. */
    public int op() {
      return op;
    }

    public long keyColumns() {
      return keyColumns;
    }

    public boolean hasAfter() {
      return hasAfter;
    }

    /** Whether every column name is plain (valid for every sink). */
    public boolean columnsPlain() {
      return columnsPlain;
    }

    /** Whether a decimal value has an empty unscaled value. */
    public boolean emptyDecimal() {
      return emptyDecimal;
    }

    public long lsn() {
      return lsn;
    }

    public int txIndex() {
      return txIndex;
    }

    public boolean txLast() {
      return txLast;
    }

    public long commitTimeMicros() {
      return commitTimeMicros;
    }
  }

  private static final int OP_INSERT = 0;
  private static final int OP_UPDATE = 1;
  private static final int OP_TRUNCATE = 3;

  private final Result result = new Result();
  private final NameCache names = new NameCache();
  private byte[] buf;
  private int pos;
  private int limit;

  /**
   * Probes the body at {@code bytes[offset..]}.
   *
   * @throws DecodeException (TRUNCATED or MALFORMED) when the body is not a valid record
   */
  public Result probe(byte[] bytes, int offset) {
    buf = bytes;
    pos = offset;
    limit = bytes.length;
    Result r = result;
    r.database = name();
    r.table = name();
    r.op = readInt();
    if (r.op < 0 || r.op > OP_TRUNCATE) {
      throw malformed("op index " + r.op);
    }
    r.columnsPlain = true;
    r.emptyDecimal = false;
    r.keyColumns = row();
    r.hasAfter = optionalRow();
    skipOptionalRow();
    r.lsn = readLong();
    r.txIndex = readInt();
    r.txLast = readBoolean();
    r.commitTimeMicros = readLong();
    readInt();
    if (pos != limit) {
      throw malformed("trailing bytes after the body");
    }
    return r;
  }

  /** Whether the op needs an after image. */
  public static boolean needsAfter(Result r) {
    return r.op == OP_INSERT || r.op == OP_UPDATE;
  }

  public static boolean isTruncate(Result r) {
    return r.op == OP_TRUNCATE;
  }

  /** The op's name, for messages. */
  public static String opName(Result r) {
    return switch (r.op) {
      case 0 -> "INSERT";
      case 1 -> "UPDATE";
      case 2 -> "DELETE";
      default -> "TRUNCATE";
    };
  }

  private String name() {
    int length = length();
    String name = names.get(buf, pos, length);
    pos += length;
    return name;
  }

  private boolean optionalRow() {
    if (!unionOfRow()) {
      return false;
    }
    row();
    return true;
  }

  private void skipOptionalRow() {
    if (unionOfRow()) {
      skipRow();
    }
  }

  private boolean unionOfRow() {
    int branch = readInt();
    if (branch != 0 && branch != 1) {
      throw malformed("row union index " + branch);
    }
    return branch == 1;
  }

  /** Reads a row's column names (checking them) and skips its values; returns the column count. */
  private long row() {
    long columns = 0;
    for (long n = blockCount(); n != 0; n = blockCount()) {
      for (long i = 0; i < n; i++) {
        int length = length();
        if (!plain(buf, pos, length)) {
          result.columnsPlain = false;
        }
        pos += length;
        skipValue();
        columns++;
      }
    }
    return columns;
  }

  private void skipRow() {
    for (long n = blockCount(); n != 0; n = blockCount()) {
      for (long i = 0; i < n; i++) {
        skipLengthPrefixed();
        skipValue();
      }
    }
  }

  private void skipValue() {
    int branch = readInt();
    switch (branch) {
      case 0 -> {}
      case 1 -> readBoolean();
      case 2, 9 -> readInt();
      case 3, 10 -> readLong();
      case 4 -> skip(4);
      case 5 -> skip(8);
      case 6, 7 -> skipLengthPrefixed();
      case 8 -> {
        int unscaled = length();
        if (unscaled == 0) {
          result.emptyDecimal = true;
        }
        pos += unscaled;
        readInt();
      }
      default -> throw malformed("value union index " + branch);
    }
  }

  /**
   * A map block's item count, as Avro writes it: a negative count is followed by the block's size
   * in bytes. Zero ends the map.
   */
  private long blockCount() {
    long count = readLong();
    if (count < 0) {
      readLong();
      count = -count;
      if (count < 0) {
        throw malformed("map block count " + Long.MIN_VALUE);
      }
    }
    return count;
  }

  private void skipLengthPrefixed() {
    // Not "pos += length()": that would add to pos as it was before the length was read.
    int length = length();
    pos += length;
  }

  /** The length of a string or bytes value that follows, checked against what is left. */
  private int length() {
    long length = readLong();
    if (length < 0) {
      throw malformed("negative length " + length);
    }
    if (length > limit - pos) {
      throw truncated();
    }
    return (int) length;
  }

  private void skip(int bytes) {
    if (limit - pos < bytes) {
      throw truncated();
    }
    pos += bytes;
  }

  private boolean readBoolean() {
    if (pos >= limit) {
      throw truncated();
    }
    // As Avro's decoder: any byte other than 1 reads as false.
    return buf[pos++] == 1;
  }

  /** A zig-zag varint of at most 5 bytes, as Avro's decoder reads an int. */
  private int readInt() {
    // Bits beyond 32 of a fifth byte are dropped, as Avro drops them.
    int n = (int) varint(5, "int");
    return (n >>> 1) ^ -(n & 1);
  }

  /** A zig-zag varint of at most 10 bytes, as Avro's decoder reads a long. */
  private long readLong() {
    long n = varint(10, "long");
    return (n >>> 1) ^ -(n & 1);
  }

  /** The bits of a varint of at most {@code maxBytes} bytes; Avro refuses a longer one. */
  private long varint(int maxBytes, String type) {
    long n = 0;
    for (int i = 0; i < maxBytes; i++) {
      if (pos >= limit) {
        throw truncated();
      }
      int b = buf[pos++] & 0xFF;
      n |= (long) (b & 0x7F) << (7 * i);
      if (b < 0x80) {
        return n;
      }
    }
    throw malformed("invalid " + type + " encoding");
  }

  /** Not empty and free of control characters (C0, DEL, and C1 as UTF-8 {@code C2 80..9F}). */
  private static boolean plain(byte[] bytes, int from, int length) {
    if (length == 0) {
      return false;
    }
    int end = from + length;
    for (int i = from; i < end; i++) {
      int b = bytes[i] & 0xFF;
      if (b < 0x20 || b == 0x7F) {
        return false;
      }
      if (b == 0xC2
          && i + 1 < end
          && (bytes[i + 1] & 0xFF) >= 0x80
          && (bytes[i + 1] & 0xFF) <= 0x9F) {
        return false;
      }
    }
    return true;
  }

  private static DecodeException truncated() {
    return new DecodeException(Reason.TRUNCATED, "Cannot decode ChangeRecord: truncated body");
  }

  private static DecodeException malformed(String what) {
    return new DecodeException(
        Reason.MALFORMED, "Cannot decode ChangeRecord: malformed body: " + what);
  }

  /**
   * The strings of recently seen names, looked up by their UTF-8 bytes: a partition carries few
   * databases and tables, so decoding and hashing a new string for every record would be waste.
   * Direct-mapped; a miss decodes the bytes as Avro's decoder does.
   */
  private static final class NameCache {
    private static final int SLOTS = 64;
    private static final int MAX_CACHED_LENGTH = 256;
    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];

    String get(byte[] bytes, int from, int length) {
      if (length > MAX_CACHED_LENGTH) {
        return new String(bytes, from, length, StandardCharsets.UTF_8);
      }
      int hash = length;
      for (int i = from; i < from + length; i++) {
        hash = 31 * hash + bytes[i];
      }
      int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
      byte[] key = keys[slot];
      if (key != null && Arrays.equals(key, 0, key.length, bytes, from, from + length)) {
        return values[slot];
      }
      String value = new String(bytes, from, length, StandardCharsets.UTF_8);
      keys[slot] = Arrays.copyOfRange(bytes, from, from + length);
      values[slot] = value;
      return value;
    }
  }
}
