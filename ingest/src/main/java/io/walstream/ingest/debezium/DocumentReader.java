package io.walstream.ingest.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * How a Debezium record's key or value becomes a Connect-shaped document: its Connect schema (as
 * JsonConverter writes schemas; null without one) and its payload, whatever the serialization.
 */
interface DocumentReader {
  ConnectDocuments.Document read(byte[] bytes, String what);

  /** The schemas of a struct schema's fields, by name; empty for no schema. */
  Map<String, JsonNode> fields(JsonNode struct);
}
