package io.walstream.archive.format;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.AvroTrust;
import io.walstream.schemas.value.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * A change record held as its Avro binary body in the current {@link ChangeRecord} schema, plus the
 * few fields the archive needs to order and summarise it. Buffering bodies instead of decoded
 * objects keeps the archiver's memory close to the input size, and lets segments be written without
 * serializing each record again.
 *
 * <p>The body may sit inside a larger array (a slab shared by many buffered records), so that the
 * archiver's buffers are a few large arrays rather than one small array per record.
 *
 * @param bytes the array holding the body: the Avro binary encoding of the record with {@link
 *     ChangeRecord#getClassSchema()}
 * @param bodyOffset where the body starts in {@code bytes}
 * @param bodyLength the body's length in bytes
 * @param lsn the record's lsn
 * @param txIndex the record's txIndex
 * @param commitTimeMicros the record's commit time
 */
public record EncodedRecord(
    byte[] bytes, int bodyOffset, int bodyLength, long lsn, int txIndex, long commitTimeMicros) {
  private static final ThreadLocal<SpecificDatumReader<ChangeRecord>> READER =
      ThreadLocal.withInitial(
          () -> {
            AvroTrust.install();
            return new SpecificDatumReader<>(ChangeRecord.class);
          });

  public EncodedRecord {
    if (bytes == null
        || bodyOffset < 0
        || bodyLength < 0
        || bodyOffset > bytes.length - bodyLength) {
      throw new IllegalArgumentException(
          "Cannot hold encoded record: body of "
              + bodyLength
              + " bytes at "
              + bodyOffset
              + " outside "
              + (bytes == null ? "a missing array" : "an array of " + bytes.length + " bytes"));
    }
  }

  /** Encodes {@code record}. */
  public static EncodedRecord of(ChangeRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      new ChangeRecordDatumWriter().write(record, encoder);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode change record", e);
    }
    return of(record, out.toByteArray());
  }

  /** Wraps {@code body}, which must be {@code record} encoded with the current schema. */
  public static EncodedRecord of(ChangeRecord record, byte[] body) {
    return new EncodedRecord(
        body,
        0,
        body.length,
        record.getLsn(),
        record.getTxIndex(),
        Values.toMicros(record.getCommitTime()));
  }

  /** Decodes the body. */
  public ChangeRecord decode() {
    try {
      return READER
          .get()
          .read(null, DecoderFactory.get().binaryDecoder(bytes, bodyOffset, bodyLength(), null));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot decode buffered change record", e);
    }
  }

  /** Where the record stands in its stream's order. */
  public Position position() {
    return new Position(lsn, txIndex);
  }
}
