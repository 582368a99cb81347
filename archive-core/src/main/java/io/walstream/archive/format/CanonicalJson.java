package io.walstream.archive.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walstream.archive.error.IntegrityException;
import java.io.IOException;

/**
 * The strict JSON reading both canonical codecs (manifests, catalog entries) share: duplicated
 * fields and trailing tokens are errors, and the bytes must hold one JSON object.
 */
final class CanonicalJson {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private CanonicalJson() {}

  /**
   * The one JSON object in {@code bytes}, read from {@code key}.
   *
   * @param what what the object is, for messages ("manifest", "catalog entry")
   * @throws IntegrityException naming the key when the bytes are not one JSON object
   */
  static JsonNode readObject(byte[] bytes, String key, String what) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IntegrityException(
          key, "Cannot read " + what + " " + key + ": not valid JSON: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IntegrityException(key, "Cannot read " + what + " " + key + ": not a JSON object");
    }
    return node;
  }
}
