package io.walstream.archive.format;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.TimestampValue;
import io.walstream.schemas.value.Values;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;

/**
 * Writes a {@link ChangeRecord} in Avro binary, byte for byte what {@code
 * SpecificDatumWriter<ChangeRecord>} writes for the current schema, without its per-value
 * reflection over the schema (union resolution by name, logical-type lookups). Segment encoding is
 * bounded by serialization; this path is about twice as fast (docs/BENCHMARKS.md), and a property
 * test holds it to the library's output.
 *
 * <p>Only the current {@link ChangeRecord#getClassSchema()} is supported: a schema change must
 * update this class, which the property test enforces.
 */
public final class ChangeRecordDatumWriter implements DatumWriter<ChangeRecord> {
  // Branch indexes of the Value union, in schema order.
  private static final int NULL = 0;
  private static final int BOOLEAN = 1;
  private static final int INT = 2;
  private static final int LONG = 3;
  private static final int FLOAT = 4;
  private static final int DOUBLE = 5;
  private static final int STRING = 6;
  private static final int BYTES = 7;
  private static final int DECIMAL = 8;
  private static final int DATE = 9;
  private static final int TIMESTAMP = 10;

  @Override
  public void setSchema(Schema schema) {
    if (!schema.equals(ChangeRecord.getClassSchema())) {
      throw new IllegalArgumentException(
          "Cannot write ChangeRecord with schema "
              + schema.getFullName()
              + ": only the current schema");
    }
  }

  @Override
  public void write(ChangeRecord record, Encoder out) throws IOException {
    out.writeString(record.getDatabase());
    out.writeString(record.getTable());
    out.writeEnum(record.getOp().ordinal());
    writeRow(record.getKey(), out);
    writeOptionalRow(record.getAfter(), out);
    writeOptionalRow(record.getBefore(), out);
    out.writeLong(record.getLsn());
    out.writeInt(record.getTxIndex());
    out.writeBoolean(record.getTxLast());
    out.writeLong(Values.toMicros(record.getCommitTime()));
    out.writeInt(record.getSchemaVersion());
  }

  private static void writeOptionalRow(Map<String, Object> row, Encoder out) throws IOException {
    if (row == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      writeRow(row, out);
    }
  }

  private static void writeRow(Map<String, Object> row, Encoder out) throws IOException {
    out.writeMapStart();
    out.setItemCount(row.size());
    for (Map.Entry<String, Object> column : row.entrySet()) {
      out.startItem();
      out.writeString(column.getKey());
      writeValue(column.getKey(), column.getValue(), out);
    }
    out.writeMapEnd();
  }

  private static void writeValue(String column, Object value, Encoder out) throws IOException {
    if (value == null) {
      out.writeIndex(NULL);
    } else if (value instanceof CharSequence s) {
      out.writeIndex(STRING);
      out.writeString(s);
    } else if (value instanceof Long l) {
      out.writeIndex(LONG);
      out.writeLong(l);
    } else if (value instanceof Double d) {
      out.writeIndex(DOUBLE);
      out.writeDouble(d);
    } else if (value instanceof Boolean b) {
      out.writeIndex(BOOLEAN);
      out.writeBoolean(b);
    } else if (value instanceof Integer i) {
      out.writeIndex(INT);
      out.writeInt(i);
    } else if (value instanceof Float f) {
      out.writeIndex(FLOAT);
      out.writeFloat(f);
    } else if (value instanceof ByteBuffer b) {
      out.writeIndex(BYTES);
      out.writeBytes(b.duplicate());
    } else if (value instanceof DecimalValue d) {
      out.writeIndex(DECIMAL);
      out.writeBytes(d.getUnscaled().duplicate());
      out.writeInt(d.getScale());
    } else if (value instanceof DateValue d) {
      out.writeIndex(DATE);
      out.writeInt(Math.toIntExact(d.getDays().toEpochDay()));
    } else if (value instanceof TimestampValue t) {
      out.writeIndex(TIMESTAMP);
      out.writeLong(Values.toMicros(t.getMicros()));
    } else {
      throw new IllegalArgumentException(
          "Cannot write column "
              + column
              + ": unsupported value type "
              + value.getClass().getName());
    }
  }
}
