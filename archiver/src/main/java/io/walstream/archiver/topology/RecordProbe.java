package io.walstream.archiver.topology;

import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.codec.DecodeException.Reason;
import java.io.EOFException;
import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Reads what the archiver needs to decide about a record straight from its Avro binary body in the
 * current ChangeRecord schema, skipping column values instead of materialising them: the database
 * and table names, whether every column name is plain, the op, whether there is a key and an after
 * image, and the ordering fields. Allocates almost nothing, which matters because the archiver sees
 * every record once and keeps only its bytes. Not thread-safe: one per partition.
 *
 * <p>The field order and the Value union's branches are those of {@code ChangeRecord.avsc}; the
 * property test {@code RecordProbeTest} holds this class to the full decoder.
 */
final class RecordProbe {
  /** What the probe read. */
  static final class Result {
    String database;
    String table;
    int op;
    long keyColumns;
    boolean hasAfter;
    boolean columnsPlain;
    long lsn;
    int txIndex;
    boolean txLast;
    long commitTimeMicros;
  }

  private static final int OP_INSERT = 0;
  private static final int OP_UPDATE = 1;
  private static final int OP_TRUNCATE = 3;

  private final Result result = new Result();
  private final Utf8 scratch = new Utf8();
  private BinaryDecoder decoder;

  /**
   * Probes the body at {@code bytes[offset..]}.
   *
   * @throws DecodeException (TRUNCATED or MALFORMED) when the body is not a valid record
   */
  Result probe(byte[] bytes, int offset) {
    decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, decoder);
    try {
      Result r = result;
      r.database = decoder.readString(scratch).toString();
      r.table = decoder.readString(scratch).toString();
      r.op = decoder.readEnum();
      if (r.op < 0 || r.op > OP_TRUNCATE) {
        throw malformed("op index " + r.op);
      }
      r.columnsPlain = true;
      r.keyColumns = row();
      r.hasAfter = optionalRow(true);
      optionalRow(false);
      r.lsn = decoder.readLong();
      r.txIndex = decoder.readInt();
      r.txLast = decoder.readBoolean();
      r.commitTimeMicros = decoder.readLong();
      decoder.readInt();
      if (!decoder.isEnd()) {
        throw malformed("trailing bytes after the body");
      }
      return r;
    } catch (EOFException e) {
      throw new DecodeException(Reason.TRUNCATED, "Cannot decode ChangeRecord: truncated body", e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof DecodeException d) {
        throw d;
      }
      throw new DecodeException(
          Reason.MALFORMED, "Cannot decode ChangeRecord: malformed body: " + e, e);
    }
  }

  /** Whether the op needs an after image. */
  static boolean needsAfter(Result r) {
    return r.op == OP_INSERT || r.op == OP_UPDATE;
  }

  static boolean isTruncate(Result r) {
    return r.op == OP_TRUNCATE;
  }

  /** The op's name, for messages. */
  static String opName(Result r) {
    return switch (r.op) {
      case 0 -> "INSERT";
      case 1 -> "UPDATE";
      case 2 -> "DELETE";
      default -> "TRUNCATE";
    };
  }

  private boolean optionalRow(boolean checkNames) throws IOException {
    int branch = decoder.readIndex();
    if (branch == 0) {
      return false;
    }
    if (branch != 1) {
      throw malformed("row union index " + branch);
    }
    if (checkNames) {
      row();
    } else {
      skipRow();
    }
    return true;
  }

  /** Reads a row's column names (checking them) and skips its values; returns the column count. */
  private long row() throws IOException {
    long columns = 0;
    for (long n = decoder.readMapStart(); n != 0; n = decoder.mapNext()) {
      for (long i = 0; i < n; i++) {
        Utf8 name = decoder.readString(scratch);
        if (!plain(name)) {
          result.columnsPlain = false;
        }
        skipValue();
        columns++;
      }
    }
    return columns;
  }

  private void skipRow() throws IOException {
    for (long n = decoder.readMapStart(); n != 0; n = decoder.mapNext()) {
      for (long i = 0; i < n; i++) {
        decoder.skipString();
        skipValue();
      }
    }
  }

  private void skipValue() throws IOException {
    int branch = decoder.readIndex();
    switch (branch) {
      case 0 -> {}
      case 1 -> decoder.readBoolean();
      case 2, 9 -> decoder.readInt();
      case 3, 10 -> decoder.readLong();
      case 4 -> decoder.readFloat();
      case 5 -> decoder.readDouble();
      case 6 -> decoder.skipString();
      case 7 -> decoder.skipBytes();
      case 8 -> {
        decoder.skipBytes();
        decoder.readInt();
      }
      default -> throw malformed("value union index " + branch);
    }
  }

  /** Not empty and free of control characters (C0, DEL, and C1 as UTF-8 {@code C2 80..9F}). */
  private static boolean plain(Utf8 name) {
    int length = name.getByteLength();
    if (length == 0) {
      return false;
    }
    byte[] bytes = name.getBytes();
    for (int i = 0; i < length; i++) {
      int b = bytes[i] & 0xFF;
      if (b < 0x20 || b == 0x7F) {
        return false;
      }
      if (b == 0xC2
          && i + 1 < length
          && (bytes[i + 1] & 0xFF) >= 0x80
          && (bytes[i + 1] & 0xFF) <= 0x9F) {
        return false;
      }
    }
    return true;
  }

  private static DecodeException malformed(String what) {
    return new DecodeException(
        Reason.MALFORMED, "Cannot decode ChangeRecord: malformed body: " + what);
  }
}
