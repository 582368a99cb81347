package io.walstream.schemas.codec;

import io.walstream.schemas.codec.DecodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding ({@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of
 * the writer schema, then the binary body) for one generated record type.
 *
 * <p>Decoding resolves the writer schema by fingerprint against a {@link SchemaCatalog}, so a
 * record written with an older or newer compatible schema version decodes into the current class.
 * Every failure is a {@link DecodeException} whose {@link DecodeException.Reason} says what was
 * wrong. Instances are thread-safe.
 */
public final class SingleObjectCodec<T extends SpecificRecord> {
  /** Marker, fingerprint. */
  public static final int HEADER_SIZE = 10;

  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;

  private final Class<T> type;
  private final Schema readerSchema;
  private final SchemaCatalog catalog;
  private final SpecificData model;
  private final DatumWriter<T> writer;
  private final byte[] header;
  private final Map<Long, DatumReader<T>> readers = new ConcurrentHashMap<>();

  private SingleObjectCodec(Class<T> type, Schema readerSchema, SchemaCatalog catalog) {
    AvroTrust.install();
    this.type = type;
    this.readerSchema = readerSchema;
    this.catalog = catalog.with(readerSchema);
    this.model = SpecificData.getForClass(type);
    this.writer = new SpecificDatumWriter<>(readerSchema, model);
    this.header = header(SchemaCatalog.fingerprint(readerSchema));
  }

  /** A codec for {@code type} that knows every shipped schema version. */
  public static <T extends SpecificRecord> SingleObjectCodec<T> of(Class<T> type) {
    return of(type, SchemaCatalog.shipped());
  }

  /** A codec for {@code type} that resolves writer schemas against {@code catalog}. */
  public static <T extends SpecificRecord> SingleObjectCodec<T> of(
      Class<T> type, SchemaCatalog catalog) {
    Schema schema = SpecificData.get().getSchema(type);
    return new SingleObjectCodec<>(type, schema, catalog);
  }

  /** Encodes {@code datum} with the current schema of its class. */
  public byte[] encode(T datum) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(header);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(datum, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new EncodeException("Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes one record.
   *
   * @throws DecodeException with the reason when the bytes are not a valid record of this type
   */
  public T decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new DecodeException(Reason.EMPTY, describe("no bytes"));
    }
    if (bytes[0] != MARKER_0 || (bytes.length > 1 && bytes[1] != MARKER_1)) {
      throw new DecodeException(
          Reason.BAD_MARKER,
          describe(String.format("bad marker %s, expected C3 01", hexPrefix(bytes))));
    }
    if (bytes.length < HEADER_SIZE) {
      throw new DecodeException(
          Reason.TRUNCATED,
          describe("truncated header: " + bytes.length + " bytes, need " + HEADER_SIZE));
    }
    long fingerprint = readFingerprint(bytes);
    DatumReader<T> reader = readerFor(fingerprint);
    BinaryDecoder decoder =
        DecoderFactory.get().binaryDecoder(bytes, HEADER_SIZE, bytes.length - HEADER_SIZE, null);
    T datum;
    try {
      datum = reader.read(null, decoder);
    } catch (EOFException e) {
      throw new DecodeException(Reason.TRUNCATED, describe("truncated body"), e);
    } catch (IOException | RuntimeException e) {
      throw new DecodeException(Reason.MALFORMED, describe("malformed body: " + e), e);
    }
    try {
      if (!decoder.isEnd()) {
        throw new DecodeException(Reason.MALFORMED, describe("trailing bytes after the body"));
      }
    } catch (IOException e) {
      throw new DecodeException(Reason.MALFORMED, describe("unreadable end of body"), e);
    }
    return datum;
  }

  /**
   * Whether {@code bytes} carry the fingerprint of the current schema, so that the body after the
   * header is exactly the current schema's binary encoding and can be used as is.
   */
  public boolean isCurrentSchema(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER_SIZE) {
      return false;
    }
    for (int i = 0; i < HEADER_SIZE; i++) {
      if (bytes[i] != header[i]) {
        return false;
      }
    }
    return true;
  }

  /** The fingerprint a record written by this codec carries. */
  public long writerFingerprint() {
    return SchemaCatalog.fingerprint(readerSchema);
  }

  private DatumReader<T> readerFor(long fingerprint) {
    DatumReader<T> cached = readers.get(fingerprint);
    if (cached != null) {
      return cached;
    }
    Schema writerSchema = catalog.findByFingerprint(fingerprint);
    if (writerSchema == null) {
      throw new DecodeException(
          Reason.UNKNOWN_FINGERPRINT,
          describe("unknown schema fingerprint " + SchemaCatalog.fingerprintHex(fingerprint)));
    }
    SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
    if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
      throw new DecodeException(
          Reason.INCOMPATIBLE_SCHEMA,
          describe(
              "writer schema "
                  + writerSchema.getFullName()
                  + " ("
                  + SchemaCatalog.fingerprintHex(fingerprint)
                  + ") cannot be read as "
                  + readerSchema.getFullName()
                  + ": "
                  + compatibility.getDescription()));
    }
    DatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
    readers.put(fingerprint, reader);
    return reader;
  }

  private String describe(String reason) {
    return "Cannot decode " + type.getSimpleName() + ": " + reason;
  }

  private static long readFingerprint(byte[] bytes) {
    long value = 0;
    for (int i = 9; i >= 2; i--) {
      value = (value << 8) | (bytes[i] & 0xFFL);
    }
    return value;
  }

  private static byte[] header(long fingerprint) {
    byte[] bytes = new byte[HEADER_SIZE];
    bytes[0] = MARKER_0;
    bytes[1] = MARKER_1;
    for (int i = 0; i < 8; i++) {
      bytes[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return bytes;
  }

  private static String hexPrefix(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(2, bytes.length); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02X", bytes[i]));
    }
    return sb.toString();
  }
}
