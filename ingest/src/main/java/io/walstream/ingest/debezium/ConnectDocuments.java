package io.walstream.ingest.debezium;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Reads the JSON documents Kafka Connect's JsonConverter writes: {@code {"schema":…,"payload":…}}
 * with schemas, the bare payload without. A connector sends the same schema with every event of a
 * table, and it is most of each event's bytes, so the schema is skipped by the streaming parser and
 * parsed only the first time its bytes are seen; the field tables of its structs are kept with it.
 * Not thread-safe: one instance per stream task.
 */
final class ConnectDocuments implements DocumentReader {
  // Exact decimals: a JSON number must not pass through a double on its way to a NUMERIC column,
  // nor lose the trailing zeros that are its scale.
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();
  private static final int CACHE_LIMIT = 1024;

  private final Map<ByteBuffer, JsonNode> schemas = new HashMap<>();
  private final Map<JsonNode, Map<String, JsonNode>> fields = new IdentityHashMap<>();

  /** A parsed document: its Connect schema (null without schemas) and its payload. */
  record Document(JsonNode schema, JsonNode payload) {}

  @Override
  public Document read(byte[] bytes, String what) {
    try {
      Document wrapped = wrapped(bytes);
      if (wrapped != null) {
        return wrapped;
      }
      JsonNode node = JSON.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new MappingException("The " + what + " is empty");
      }
      return new Document(null, node);
    } catch (IOException e) {
      throw new MappingException("Cannot parse the " + what + " as JSON: " + e.getMessage(), e);
    }
  }

  /** The document when it is exactly {@code {"schema":…,"payload":…}}, else null. */
  private Document wrapped(byte[] bytes) throws IOException {
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonNode schema = null;
      JsonNode payload = null;
      boolean sawSchema = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if ("schema".equals(name) && !sawSchema) {
          sawSchema = true;
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          int end = (int) p.currentLocation().getByteOffset();
          schema = schema(bytes, start, end);
        } else if ("payload".equals(name) && payload == null) {
          payload = JSON.readTree(p);
          if (payload == null) {
            payload = JSON.nullNode();
          }
        } else {
          return null;
        }
      }
      return sawSchema && payload != null ? new Document(schema, payload) : null;
    }
  }

  private JsonNode schema(byte[] bytes, int start, int end) throws IOException {
    ByteBuffer key = ByteBuffer.wrap(bytes, start, end - start);
    JsonNode known = schemas.get(key);
    if (known != null) {
      return known;
    }
    JsonNode parsed = JSON.readTree(bytes, start, end - start);
    JsonNode schema = parsed.isNull() ? null : parsed;
    if (schemas.size() >= CACHE_LIMIT) {
      schemas.clear();
      fields.clear();
    }
    byte[] copy = new byte[end - start];
    System.arraycopy(bytes, start, copy, 0, copy.length);
    schemas.put(ByteBuffer.wrap(copy), schema);
    return schema;
  }

  @Override
  public Map<String, JsonNode> fields(JsonNode struct) {
    if (struct == null) {
      return Map.of();
    }
    return fields.computeIfAbsent(struct, ConnectValues::fieldSchemas);
  }
}
