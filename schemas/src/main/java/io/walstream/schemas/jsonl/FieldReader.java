package io.walstream.schemas.jsonl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.value.Values;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the typed top-level fields of one JSON Lines record, reporting errors with the line. */
final class FieldReader {
  private final long line;

  FieldReader(long line) {
    this.line = line;
  }

  JsonLinesException error(String field, String reason) {
    return new JsonLinesException(line, field, reason);
  }

  private JsonNode required(ObjectNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw error(field, "is required");
    }
    return value;
  }

  String name(ObjectNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.isTextual()) {
      throw error(field, "expected a string, got " + value.getNodeType());
    }
    if (value.textValue().isEmpty()) {
      throw error(field, "must not be empty");
    }
    return value.textValue();
  }

  Op op(ObjectNode node) {
    String text = name(node, "op");
    try {
      return Op.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw error("op", "unknown op '" + text + "', expected INSERT, UPDATE, DELETE or TRUNCATE");
    }
  }

  long longValue(ObjectNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw error(field, "expected an integer in the range of a 64-bit long, got " + value);
    }
    return value.longValue();
  }

  int nonNegativeInt(ObjectNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
      throw error(field, "expected a non-negative 32-bit integer, got " + value);
    }
    return value.intValue();
  }

  int optionalInt(ObjectNode node, String field, int defaultValue) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return defaultValue;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw error(field, "expected a 32-bit integer, got " + value);
    }
    return value.intValue();
  }

  boolean bool(ObjectNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.isBoolean()) {
      throw error(field, "expected true or false, got " + value);
    }
    return value.booleanValue();
  }

  Instant timestamp(ObjectNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.isTextual()) {
      throw error(field, "expected an ISO-8601 UTC timestamp string, got " + value);
    }
    try {
      return Values.parseTimestamp(value.textValue());
    } catch (IllegalArgumentException e) {
      throw new JsonLinesException(line, field, e.getMessage(), e);
    }
  }

  /** A row image; null when absent or JSON null and not {@code required}. */
  Map<String, Object> row(ObjectNode node, String field, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw error(field, "is required");
      }
      return null;
    }
    if (!value.isObject()) {
      throw error(field, "expected an object of column name to value, got " + value.getNodeType());
    }
    Map<String, Object> row = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> column = it.next();
      String path = field + "." + column.getKey();
      if (column.getKey().isEmpty()) {
        throw error(path, "column names must not be empty");
      }
      try {
        row.put(column.getKey(), JsonValues.read(column.getValue()));
      } catch (IllegalArgumentException e) {
        throw new JsonLinesException(line, path, e.getMessage(), e);
      }
    }
    return row;
  }
}
