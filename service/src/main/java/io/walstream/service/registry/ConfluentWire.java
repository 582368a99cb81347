package io.walstream.service.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * The Confluent Schema Registry wire format: magic byte {@code 0}, the schema id as a 4-byte
 * big-endian integer, then the Avro binary body written with that schema.
 */
public final class ConfluentWire {
  /** The first byte of every record in the wire format. */
  public static final byte MAGIC = 0;

  /** Magic byte and schema id. */
  public static final int HEADER_SIZE = 5;

  private ConfluentWire() {}

  /** Whether {@code value} starts as the wire format does. */
  public static boolean matches(byte[] value) {
    return value != null && value.length >= HEADER_SIZE && value[0] == MAGIC;
  }

  /** The schema id of {@code value}; throws naming what is wrong when it is not the format. */
  public static int schemaId(byte[] value) {
    if (value == null || value.length < HEADER_SIZE) {
      throw new UnknownSchemaException(
          "Not the Confluent wire format: "
              + (value == null ? "no value" : value.length + " bytes, fewer than 5"));
    }
    if (value[0] != MAGIC) {
      throw new UnknownSchemaException(
          String.format("Not the Confluent wire format: magic byte 0x%02x, not 0x00", value[0]));
    }
    return ByteBuffer.wrap(value, 1, 4).getInt();
  }

  /** Reads the body written with {@code writer} as {@code type} (Avro schema resolution). */
  public static <T extends SpecificRecord> T read(
      byte[] value, Schema writer, Schema reader, Class<T> type) throws IOException {
    SpecificDatumReader<T> datumReader = new SpecificDatumReader<>(writer, reader);
    BinaryDecoder decoder =
        DecoderFactory.get().binaryDecoder(value, HEADER_SIZE, value.length - HEADER_SIZE, null);
    T datum = type.cast(datumReader.read(null, decoder));
    if (!decoder.isEnd()) {
      throw new IOException("trailing bytes after the record");
    }
    return datum;
  }

  /** The wire format of {@code body} (Avro binary) under schema {@code id}. */
  public static byte[] frame(int id, byte[] body) {
    return ByteBuffer.allocate(HEADER_SIZE + body.length).put(MAGIC).putInt(id).put(body).array();
  }
}
