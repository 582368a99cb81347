package io.walstream.schemas.jsonl;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.TimestampValue;
import io.walstream.schemas.value.Values;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/** Column values to and from their JSON form (see docs/JSONL.md, "Values"). */
final class JsonValues {
  private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

  private JsonValues() {}

  /** Reads one value; throws IllegalArgumentException with the reason. */
  static Object read(JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        throw new IllegalArgumentException("integer " + node + " is outside the 64-bit range");
      }
      return node.longValue();
    }
    if (node.isNumber()) {
      double value = node.doubleValue();
      if (Double.isInfinite(value)) {
        throw new IllegalArgumentException("number " + node + " is outside the double range");
      }
      return value;
    }
    if (node.isObject()) {
      return readTagged(node);
    }
    throw new IllegalArgumentException(
        "unsupported value of type " + node.getNodeType() + "; arrays are not column values");
  }

  private static Object readTagged(JsonNode node) {
    if (node.size() != 1) {
      throw new IllegalArgumentException(
          "an object value must have exactly one of $bytes, $decimal, $date, $timestamp");
    }
    Map.Entry<String, JsonNode> tag = node.fields().next();
    JsonNode body = tag.getValue();
    if (!body.isTextual()) {
      throw new IllegalArgumentException(tag.getKey() + " expects a string, got " + body);
    }
    String text = body.textValue();
    switch (tag.getKey()) {
      case "$bytes":
        try {
          return ByteBuffer.wrap(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("$bytes is not valid base64: " + e.getMessage(), e);
        }
      case "$decimal":
        if (!PLAIN_DECIMAL.matcher(text).matches()) {
          throw new IllegalArgumentException(
              "$decimal '" + text + "' is not a plain decimal like -12.50");
        }
        return Values.decimal(new BigDecimal(text));
      case "$date":
        if (!DATE.matcher(text).matches()) {
          throw new IllegalArgumentException("$date '" + text + "' is not YYYY-MM-DD");
        }
        try {
          return Values.date(LocalDate.parse(text));
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException("$date '" + text + "' is not a valid date", e);
        }
      case "$timestamp":
        return Values.timestamp(Values.parseTimestamp(text));
      default:
        throw new IllegalArgumentException(
            "unknown tag " + tag.getKey() + ", expected $bytes, $decimal, $date or $timestamp");
    }
  }

  /** Writes one value; throws IllegalArgumentException for a value JSON cannot carry. */
  static void write(JsonGenerator gen, String path, Object value) throws IOException {
    if (value == null) {
      gen.writeNull();
    } else if (value instanceof Boolean b) {
      gen.writeBoolean(b);
    } else if (value instanceof Integer i) {
      gen.writeNumber(i);
    } else if (value instanceof Long l) {
      gen.writeNumber(l);
    } else if (value instanceof Float f) {
      requireFinite(path, f);
      gen.writeNumber(f);
    } else if (value instanceof Double d) {
      requireFinite(path, d);
      gen.writeNumber(d);
    } else if (value instanceof CharSequence s) {
      gen.writeString(s.toString());
    } else if (value instanceof ByteBuffer b) {
      writeTagged(gen, "$bytes", Base64.getEncoder().encodeToString(Values.bytes(b)));
    } else if (value instanceof DecimalValue d) {
      writeTagged(gen, "$decimal", Values.toBigDecimal(d).toPlainString());
    } else if (value instanceof DateValue d) {
      writeTagged(gen, "$date", d.getDays().toString());
    } else if (value instanceof TimestampValue t) {
      writeTagged(gen, "$timestamp", Values.formatTimestamp(t.getMicros()));
    } else {
      throw new IllegalArgumentException(
          "Cannot write column " + path + ": unsupported type " + value.getClass().getName());
    }
  }

  private static void requireFinite(String path, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "Cannot write column " + path + ": " + value + " has no JSON representation");
    }
  }

  private static void writeTagged(JsonGenerator gen, String tag, String text) throws IOException {
    gen.writeStartObject();
    gen.writeStringField(tag, text);
    gen.writeEndObject();
  }
}
