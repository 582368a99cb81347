package io.walstream.schemas.value;

import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.TimestampValue;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;

/**
 * The kinds of column value a change record can carry: the branches of the value union of {@code
 * ChangeRecord}. A restore types a column by the kind of the first value it sees in it; a snapshot
 * records that kind per column so that a restore from it types the column the same way.
 */
public enum ValueType {
  NULL,
  BOOLEAN,
  INT,
  LONG,
  FLOAT,
  DOUBLE,
  STRING,
  BYTES,
  DECIMAL,
  DATE,
  TIMESTAMP;

  /** The kind of {@code value}, a value of the union (null included). */
  public static ValueType of(Object value) {
    if (value == null) {
      return NULL;
    }
    if (value instanceof Boolean) {
      return BOOLEAN;
    }
    if (value instanceof Integer) {
      return INT;
    }
    if (value instanceof Long) {
      return LONG;
    }
    if (value instanceof Float) {
      return FLOAT;
    }
    if (value instanceof Double) {
      return DOUBLE;
    }
    if (value instanceof CharSequence) {
      return STRING;
    }
    if (value instanceof ByteBuffer) {
      return BYTES;
    }
    if (value instanceof DecimalValue) {
      return DECIMAL;
    }
    if (value instanceof DateValue) {
      return DATE;
    }
    if (value instanceof TimestampValue) {
      return TIMESTAMP;
    }
    throw new IllegalArgumentException(
        "Cannot type value of class " + value.getClass().getName() + ": not a change record value");
  }

  /** The kind named {@code name} as {@link #wireName()} writes it. */
  public static ValueType named(String name) {
    for (ValueType type : values()) {
      if (type.wireName().equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown value type '" + name + "'");
  }

  /** The name stored in snapshot manifests: the lower-case constant name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A value of this kind (null for {@link #NULL}), standing for the column's first value. */
  public Object sample() {
    return switch (this) {
      case NULL -> null;
      case BOOLEAN -> Boolean.FALSE;
      case INT -> 0;
      case LONG -> 0L;
      case FLOAT -> 0f;
      case DOUBLE -> 0d;
      case STRING -> "";
      case BYTES -> ByteBuffer.allocate(0);
      case DECIMAL -> Values.decimal(BigDecimal.ZERO);
      case DATE -> Values.date(LocalDate.EPOCH);
      case TIMESTAMP -> Values.timestamp(Instant.EPOCH);
    };
  }
}
