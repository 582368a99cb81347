package io.walstream.ingest.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.service.registry.ConfluentWire;
import io.walstream.service.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * Debezium records serialized by Confluent's {@code AvroConverter}: the Schema Registry wire
 * format, the writer schema fetched by its id, the Avro datum turned into the document
 * JsonConverter would have written. Connect's logical types travel in the Avro schema as {@code
 * connect.name}, {@code connect.parameters} and {@code connect.type} properties (how Connect's
 * AvroData writes them), so the same value table applies. Not thread-safe: one instance per stream
 * task.
 */
final class AvroDocuments implements DocumentReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private final SchemaRegistryClient registry;
  private final Map<Integer, JsonNode> connectSchemas = new HashMap<>();
  private final Map<JsonNode, Map<String, JsonNode>> fields = new IdentityHashMap<>();

  AvroDocuments(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public ConnectDocuments.Document read(byte[] bytes, String what) {
    int id;
    Schema writer;
    try {
      id = ConfluentWire.schemaId(bytes);
      writer = registry.schema(id);
    } catch (io.walstream.service.registry.UnknownSchemaException e) {
      throw new MappingException("Cannot read the " + what + ": " + e.getMessage(), e);
    }
    Object datum;
    try {
      datum =
          new GenericDatumReader<>(writer)
              .read(
                  null,
                  DecoderFactory.get()
                      .binaryDecoder(
                          bytes,
                          ConfluentWire.HEADER_SIZE,
                          bytes.length - ConfluentWire.HEADER_SIZE,
                          null));
    } catch (IOException | AvroRuntimeException e) {
      throw new MappingException(
          "Cannot read the " + what + " with schema " + id + ": " + e.getMessage(), e);
    }
    JsonNode schema = connectSchemas.computeIfAbsent(id, k -> connect(writer));
    return new ConnectDocuments.Document(schema, json(datum, writer));
  }

  @Override
  public Map<String, JsonNode> fields(JsonNode struct) {
    if (struct == null) {
      return Map.of();
    }
    return fields.computeIfAbsent(struct, ConnectValues::fieldSchemas);
  }

  /** The Connect schema, as JsonConverter writes it, of an Avro schema AvroData wrote. */
  static JsonNode connect(Schema avro) {
    Schema s = nonNull(avro);
    ObjectNode node = NODES.objectNode();
    node.put("type", connectType(s));
    Object name = s.getObjectProp("connect.name");
    if (name != null) {
      node.put("name", name.toString());
    }
    if (s.getObjectProp("connect.parameters") instanceof Map<?, ?> parameters) {
      ObjectNode p = node.putObject("parameters");
      parameters.forEach((k, v) -> p.put(k.toString(), v.toString()));
    }
    if (s.getType() == Schema.Type.RECORD) {
      ArrayNode list = node.putArray("fields");
      for (Schema.Field f : s.getFields()) {
        ObjectNode field = (ObjectNode) connect(f.schema());
        field.put("field", f.name());
        list.add(field);
      }
    }
    return node;
  }

  private static String connectType(Schema s) {
    Object declared = s.getObjectProp("connect.type");
    if (declared != null) {
      return declared.toString();
    }
    return switch (s.getType()) {
      case RECORD -> "struct";
      case INT -> "int32";
      case LONG -> "int64";
      case FLOAT -> "float32";
      case DOUBLE -> "float64";
      case BOOLEAN -> "boolean";
      case STRING, ENUM -> "string";
      case BYTES, FIXED -> "bytes";
      case ARRAY -> "array";
      case MAP -> "map";
      default -> throw new WalstreamException("Cannot map the Avro type " + s.getType());
    };
  }

  private static Schema nonNull(Schema s) {
    if (s.getType() != Schema.Type.UNION) {
      return s;
    }
    for (Schema branch : s.getTypes()) {
      if (branch.getType() != Schema.Type.NULL) {
        return branch;
      }
    }
    return s;
  }

  /** The JSON JsonConverter would have written for {@code datum}. */
  private static JsonNode json(Object datum, Schema schema) {
    if (datum == null) {
      return NODES.nullNode();
    }
    Schema s =
        schema.getType() == Schema.Type.UNION
            ? schema.getTypes().get(GenericData.get().resolveUnion(schema, datum))
            : schema;
    return switch (s.getType()) {
      case RECORD -> {
        ObjectNode node = NODES.objectNode();
        GenericRecord record = (GenericRecord) datum;
        for (Schema.Field f : s.getFields()) {
          node.set(f.name(), json(record.get(f.pos()), f.schema()));
        }
        yield node;
      }
      case INT -> NODES.numberNode((Integer) datum);
      case LONG -> NODES.numberNode((Long) datum);
      case FLOAT -> NODES.numberNode((Float) datum);
      case DOUBLE -> NODES.numberNode((Double) datum);
      case BOOLEAN -> NODES.booleanNode((Boolean) datum);
      case STRING, ENUM -> NODES.textNode(datum.toString());
      case BYTES -> NODES.textNode(base64(((ByteBuffer) datum).duplicate()));
      case FIXED ->
          NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) datum).bytes()));
      case ARRAY -> {
        ArrayNode node = NODES.arrayNode();
        for (Object item : (Iterable<?>) datum) {
          node.add(json(item, s.getElementType()));
        }
        yield node;
      }
      case MAP -> {
        ObjectNode node = NODES.objectNode();
        ((Map<?, ?>) datum).forEach((k, v) -> node.set(k.toString(), json(v, s.getValueType())));
        yield node;
      }
      default -> NODES.nullNode();
    };
  }

  private static String base64(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
