package io.walstream.archive.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.walstream.archive.error.IntegrityException;
import io.walstream.schemas.value.Values;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Typed, strict reading of one JSON object of a canonical document: it must have exactly the fields
 * named, each of the type asked for; any deviation is an {@link IntegrityException} naming the key
 * and the field's path ({@code tables[2].rows}).
 */
final class StrictJson {
  private final JsonNode node;
  private final String key;
  private final String what;
  private final String path;

  private StrictJson(JsonNode node, String key, String what, String path) {
    this.node = node;
    this.key = key;
    this.what = what;
    this.path = path;
  }

  /** The document's top-level object, which must have exactly {@code fields}. */
  static StrictJson root(JsonNode node, String key, String what, List<String> fields) {
    StrictJson root = new StrictJson(node, key, what, "");
    root.requireFields(fields);
    return root;
  }

  IntegrityException bad(String reason) {
    return bad(reason, null);
  }

  IntegrityException bad(String reason, Throwable cause) {
    return new IntegrityException(key, "Cannot read " + what + " " + key + ": " + reason, cause);
  }

  /** Whether field {@code name} holds JSON null. */
  boolean isNull(String name) {
    return node.get(name).isNull();
  }

  private String at(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private void requireFields(List<String> fields) {
    if (!node.isObject()) {
      throw bad("'" + path + "' must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!fields.contains(name)) {
        throw bad("unknown field '" + at(name) + "'");
      }
    }
    for (String field : fields) {
      if (!node.has(field)) {
        throw bad("missing field '" + at(field) + "'");
      }
    }
  }

  private RuntimeException wrongType(String name, String expected) {
    return bad("field '" + at(name) + "' must be " + expected + ", got " + node.get(name));
  }

  String text(String name) {
    JsonNode value = node.get(name);
    if (!value.isTextual()) {
      throw wrongType(name, "a string");
    }
    return value.textValue();
  }

  String optionalText(String name) {
    return node.get(name).isNull() ? null : text(name);
  }

  long longValue(String name) {
    JsonNode value = node.get(name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw wrongType(name, "an integer");
    }
    return value.longValue();
  }

  Long optionalLong(String name) {
    return isNull(name) ? null : longValue(name);
  }

  Integer optionalInteger(String name) {
    return isNull(name) ? null : integer(name);
  }

  int integer(String name) {
    JsonNode value = node.get(name);
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw wrongType(name, "a 32-bit integer");
    }
    return value.intValue();
  }

  long time(String name) {
    try {
      return Values.toMicros(Values.parseTimestamp(text(name)));
    } catch (IllegalArgumentException e) {
      throw bad("field '" + at(name) + "': " + e.getMessage(), e);
    }
  }

  Long optionalTime(String name) {
    return isNull(name) ? null : time(name);
  }

  /** The strings of the array in field {@code name}. */
  List<String> texts(String name) {
    return array(
        name,
        item -> {
          if (!item.isTextual()) {
            throw wrongType(name, "an array of strings");
          }
          return item.textValue();
        });
  }

  /** The object in field {@code name}, which must have exactly {@code fields}. */
  StrictJson object(String name, List<String> fields) {
    StrictJson child = new StrictJson(node.get(name), key, what, at(name));
    child.requireFields(fields);
    return child;
  }

  /** The array in field {@code name}, each element read by {@code element}. */
  <T> List<T> array(String name, Function<JsonNode, T> element) {
    JsonNode value = node.get(name);
    if (!value.isArray()) {
      throw wrongType(name, "an array");
    }
    List<T> list = new ArrayList<>();
    for (JsonNode item : value) {
      list.add(element.apply(item));
    }
    return list;
  }

  /** The objects of the array in field {@code name}, each with exactly {@code fields}. */
  <T> List<T> objects(String name, List<String> fields, Function<StrictJson, T> element) {
    JsonNode value = node.get(name);
    if (!value.isArray()) {
      throw wrongType(name, "an array");
    }
    List<T> list = new ArrayList<>();
    int i = 0;
    for (JsonNode item : value) {
      StrictJson child = new StrictJson(item, key, what, at(name) + "[" + i++ + "]");
      child.requireFields(fields);
      list.add(element.apply(child));
    }
    return list;
  }

  /** The longs of the array in field {@code name}. */
  List<Long> longs(String name) {
    return array(
        name,
        item -> {
          if (!item.isIntegralNumber() || !item.canConvertToLong()) {
            throw wrongType(name, "an array of integers");
          }
          return item.longValue();
        });
  }
}
