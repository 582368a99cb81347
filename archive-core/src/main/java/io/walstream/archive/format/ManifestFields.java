package io.walstream.archive.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.walstream.schemas.value.Values;
import java.util.ArrayList;
import java.util.List;

/** Typed access to the fields of a manifest's JSON, failing with the key and field named. */
record ManifestFields(JsonNode node, String key) {

  private JsonNode field(String name) {
    return node.get(name);
  }

  private RuntimeException wrongType(String name, String expected) {
    return ManifestCodec.bad(
        key, "field '" + name + "' must be " + expected + ", got " + field(name));
  }

  String text(String name) {
    JsonNode value = field(name);
    if (!value.isTextual()) {
      throw wrongType(name, "a string");
    }
    return value.textValue();
  }

  String optionalText(String name) {
    return field(name).isNull() ? null : text(name);
  }

  long longValue(String name) {
    JsonNode value = field(name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw wrongType(name, "an integer");
    }
    return value.longValue();
  }

  Long optionalLong(String name) {
    return field(name).isNull() ? null : longValue(name);
  }

  int integer(String name) {
    JsonNode value = field(name);
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw wrongType(name, "a 32-bit integer");
    }
    return value.intValue();
  }

  Integer optionalInteger(String name) {
    return field(name).isNull() ? null : integer(name);
  }

  Long optionalTime(String name) {
    if (field(name).isNull()) {
      return null;
    }
    try {
      return Values.toMicros(Values.parseTimestamp(text(name)));
    } catch (IllegalArgumentException e) {
      throw ManifestCodec.bad(key, "field '" + name + "': " + e.getMessage(), e);
    }
  }

  Manifest.Kind kind() {
    String text = text("kind");
    try {
      return Manifest.Kind.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw ManifestCodec.bad(key, "unknown kind '" + text + "'", e);
    }
  }

  List<String> textList(String name) {
    JsonNode value = field(name);
    if (!value.isArray()) {
      throw wrongType(name, "an array of strings");
    }
    List<String> list = new ArrayList<>();
    for (JsonNode element : value) {
      if (!element.isTextual()) {
        throw wrongType(name, "an array of strings");
      }
      list.add(element.textValue());
    }
    return list;
  }

  Manifest.Encryption encryption() {
    JsonNode value = field("encryption");
    if (value.isNull()) {
      return null;
    }
    if (!value.isObject()
        || value.size() != 3
        || !value.path("scheme").isTextual()
        || !value.path("keyId").isTextual()
        || !value.path("wrappedKey").isTextual()) {
      throw wrongType("encryption", "null or {scheme, keyId, wrappedKey}");
    }
    return new Manifest.Encryption(
        value.get("scheme").textValue(),
        value.get("keyId").textValue(),
        value.get("wrappedKey").textValue());
  }
}
