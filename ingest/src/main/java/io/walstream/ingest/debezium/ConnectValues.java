package io.walstream.ingest.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import io.walstream.schemas.value.Values;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns one column of a Debezium row image into a walstream column value, through the Kafka Connect
 * schema the event carries ({@code schemas.enable=true}) or, without one, by the documented best
 * effort. The table of types is in {@code docs/DEBEZIUM.md}; each row has a test.
 */
public final class ConnectValues {
  private static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";
  private static final String VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";

  private ConnectValues() {}

  /**
   * Converts every field of a row image. {@code schema} is the row's struct schema, or null when
   * the events carry none.
   */
  public static Map<String, Object> row(JsonNode schema, JsonNode image, String where) {
    return row(schema == null ? Map.of() : fieldSchemas(schema), image, where);
  }

  /** Converts every field of a row image, given the schemas of its fields (empty: none). */
  static Map<String, Object> row(Map<String, JsonNode> fields, JsonNode image, String where) {
    if (!image.isObject()) {
      throw new MappingException(where + " is not a JSON object but " + image.getNodeType());
    }
    Map<String, Object> row = new LinkedHashMap<>();
    image
        .fields()
        .forEachRemaining(
            field ->
                row.put(
                    field.getKey(),
                    value(
                        fields.get(field.getKey()),
                        field.getValue(),
                        where + "." + field.getKey())));
    return row;
  }

  /** The schema of each field of a struct schema, by field name. */
  static Map<String, JsonNode> fieldSchemas(JsonNode struct) {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    JsonNode list = struct.path("fields");
    for (JsonNode field : list) {
      fields.put(field.path("field").asText(), field);
    }
    return fields;
  }

  /** Converts one value; {@code schema} null means the best effort without a schema. */
  public static Object value(JsonNode schema, JsonNode value, String where) {
    if (value == null || value.isNull()) {
      return null;
    }
    try {
      return schema == null ? schemaless(value) : typed(schema, value, where);
    } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
      throw new MappingException(
          "Cannot map " + where + " (" + describe(schema) + "): " + e.getMessage(), e);
    }
  }

  private static Object typed(JsonNode schema, JsonNode value, String where) {
    String name = schema.path("name").asText("");
    String type = schema.path("type").asText("");
    Object logical = logical(name, schema, value, where);
    if (logical != null) {
      return logical;
    }
    switch (type) {
      case "int8", "int16", "int32", "int64":
        return integral(value, where);
      case "float32", "float64":
        return number(value, where).doubleValue();
      case "boolean":
        if (!value.isBoolean()) {
          throw new MappingException(where + " is declared boolean but holds " + value);
        }
        return value.booleanValue();
      case "string":
        return text(value);
      case "bytes":
        return ByteBuffer.wrap(bytes(value, where));
      case "struct", "array", "map":
        // Geometries, arrays, hstore: kept whole, as the JSON Connect wrote them.
        return value.toString();
      default:
        throw new MappingException(where + " has unknown Connect type '" + type + "'");
    }
  }

  /** A logical type's value, or null when {@code name} is not one walstream maps specially. */
  private static Object logical(String name, JsonNode schema, JsonNode value, String where) {
    switch (name) {
      case DECIMAL:
        return Values.decimal(decimal(schema, value, where));
      case VARIABLE_SCALE_DECIMAL:
        return Values.decimal(variableScale(value, where));
      case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
        return Values.date(LocalDate.ofEpochDay(integral(value, where)));
      case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp":
        return Values.timestamp(Instant.ofEpochMilli(integral(value, where)));
      case "io.debezium.time.MicroTimestamp":
        return micros(integral(value, where));
      case "io.debezium.time.NanoTimestamp":
        // Floor to the microsecond: walstream timestamps carry microseconds (documented).
        return micros(Math.floorDiv(integral(value, where), 1_000L));
      case "io.debezium.time.ZonedTimestamp":
        return zoned(text(value));
      case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time":
        return LocalTime.ofNanoOfDay(integral(value, where) * 1_000_000L).toString();
      case "io.debezium.time.MicroTime":
        return LocalTime.ofNanoOfDay(integral(value, where) * 1_000L).toString();
      case "io.debezium.time.NanoTime":
        return LocalTime.ofNanoOfDay(integral(value, where)).toString();
      case "io.debezium.data.Json", "io.debezium.data.Uuid", "io.debezium.data.Enum":
        return text(value);
      default:
        return null;
    }
  }

  private static io.walstream.schemas.avro.TimestampValue micros(long micros) {
    return new io.walstream.schemas.avro.TimestampValue(Values.fromMicros(micros));
  }

  private static io.walstream.schemas.avro.TimestampValue zoned(String text) {
    Instant instant = OffsetDateTime.parse(text).toInstant();
    // Nanosecond digits beyond the microsecond are floored, as for NanoTimestamp.
    return new io.walstream.schemas.avro.TimestampValue(
        instant.minusNanos(instant.getNano() % 1_000));
  }

  private static BigDecimal decimal(JsonNode schema, JsonNode value, String where) {
    if (value.isNumber()) {
      // JsonConverter with decimal.format=NUMERIC writes the number itself.
      return value.decimalValue();
    }
    String scale = schema.path("parameters").path("scale").asText(null);
    if (scale == null) {
      throw new MappingException(where + " is a Decimal without a scale parameter");
    }
    return new BigDecimal(new BigInteger(bytes(value, where)), Integer.parseInt(scale));
  }

  private static BigDecimal variableScale(JsonNode value, String where) {
    if (!value.isObject() || !value.has("scale") || !value.has("value")) {
      throw new MappingException(where + " is a VariableScaleDecimal without scale and value");
    }
    return new BigDecimal(
        new BigInteger(bytes(value.get("value"), where + ".value")),
        Math.toIntExact(integral(value.get("scale"), where + ".scale")));
  }

  private static long integral(JsonNode value, String where) {
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new MappingException(where + " is declared an integer but holds " + value);
    }
    return value.longValue();
  }

  private static Number number(JsonNode value, String where) {
    if (value.isNumber()) {
      return value.numberValue();
    }
    // JsonConverter writes NaN and the infinities of float columns as strings.
    if (value.isTextual()) {
      return Double.valueOf(value.textValue());
    }
    throw new MappingException(where + " is declared a number but holds " + value);
  }

  private static String text(JsonNode value) {
    return value.isTextual() ? value.textValue() : value.toString();
  }

  private static byte[] bytes(JsonNode value, String where) {
    if (!value.isTextual()) {
      throw new MappingException(where + " is declared bytes but holds " + value.getNodeType());
    }
    try {
      return value.binaryValue();
    } catch (IOException e) {
      throw new MappingException(where + " is not valid base64: " + e.getMessage(), e);
    }
  }

  /**
   * Without a schema: booleans and strings as they are, integers as long (decimal beyond its
   * range), other numbers as exact decimals from their text, objects and arrays as their JSON.
   */
  private static Object schemaless(JsonNode value) {
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isIntegralNumber()) {
      return value.canConvertToLong()
          ? (Object) value.longValue()
          : Values.decimal(new BigDecimal(value.bigIntegerValue()));
    }
    if (value.isNumber()) {
      return Values.decimal(value.decimalValue());
    }
    return value.toString();
  }

  private static String describe(JsonNode schema) {
    if (schema == null) {
      return "no schema";
    }
    String name = schema.path("name").asText("");
    return schema.path("type").asText("?") + (name.isEmpty() ? "" : " " + name);
  }
}
