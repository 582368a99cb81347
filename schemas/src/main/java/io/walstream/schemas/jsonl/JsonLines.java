package io.walstream.schemas.jsonl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.value.Values;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The JSON Lines mapping of {@link ChangeRecord}, one JSON object per line, as specified in {@code
 * docs/JSONL.md}. Parsing is strict: unknown fields, wrong types and values outside their range are
 * errors naming the line and the field, never silently coerced.
 */
public final class JsonLines {
  private static final Set<String> FIELDS =
      Set.of(
          "database",
          "table",
          "op",
          "key",
          "after",
          "before",
          "lsn",
          "txIndex",
          "txLast",
          "commitTime",
          "schemaVersion");

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private JsonLines() {}

  /**
   * Parses one line.
   *
   * @param lineNumber the 1-based line number, used in error messages
   * @throws JsonLinesException naming the line and field when the line breaks the contract
   */
  public static ChangeRecord parse(String line, long lineNumber) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new JsonLinesException(
          lineNumber, null, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new JsonLinesException(lineNumber, null, "expected a JSON object");
    }
    return toRecord((ObjectNode) node, new FieldReader(lineNumber));
  }

  /** Formats one record as a single line of JSON (without the line terminator). */
  public static String format(ChangeRecord record) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      gen.writeStartObject();
      gen.writeStringField("database", record.getDatabase());
      gen.writeStringField("table", record.getTable());
      gen.writeStringField("op", record.getOp().name());
      writeRow(gen, "key", record.getKey());
      if (record.getAfter() != null) {
        writeRow(gen, "after", record.getAfter());
      }
      if (record.getBefore() != null) {
        writeRow(gen, "before", record.getBefore());
      }
      gen.writeNumberField("lsn", record.getLsn());
      gen.writeNumberField("txIndex", record.getTxIndex());
      gen.writeBooleanField("txLast", record.getTxLast());
      gen.writeStringField("commitTime", Values.formatTimestamp(record.getCommitTime()));
      if (record.getSchemaVersion() != 0) {
        gen.writeNumberField("schemaVersion", record.getSchemaVersion());
      }
      gen.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot format change record as JSON", e);
    }
    return out.toString();
  }

  private static void writeRow(JsonGenerator gen, String name, Map<String, Object> row)
      throws IOException {
    gen.writeObjectFieldStart(name);
    for (Map.Entry<String, Object> column : row.entrySet()) {
      gen.writeFieldName(column.getKey());
      JsonValues.write(gen, name + "." + column.getKey(), column.getValue());
    }
    gen.writeEndObject();
  }

  private static ChangeRecord toRecord(ObjectNode node, FieldReader in) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw in.error(name, "unknown field");
      }
    }
    Op op = in.op(node);
    Map<String, Object> key = in.row(node, "key", true);
    if (op == Op.TRUNCATE && !key.isEmpty()) {
      throw in.error("key", "must be empty for TRUNCATE");
    }
    if (op != Op.TRUNCATE && key.isEmpty()) {
      throw in.error("key", "must name at least one primary-key column for " + op);
    }
    boolean needsAfter = op == Op.INSERT || op == Op.UPDATE;
    Map<String, Object> after = in.row(node, "after", needsAfter);
    if (!needsAfter && after != null) {
      throw in.error("after", "must be absent or null for " + op);
    }
    Instant commitTime = in.timestamp(node, "commitTime");
    return ChangeRecord.newBuilder()
        .setDatabase(in.name(node, "database"))
        .setTable(in.name(node, "table"))
        .setOp(op)
        .setKey(key)
        .setAfter(after)
        .setBefore(in.row(node, "before", false))
        .setLsn(in.longValue(node, "lsn"))
        .setTxIndex(in.nonNegativeInt(node, "txIndex"))
        .setTxLast(in.bool(node, "txLast"))
        .setCommitTime(commitTime)
        .setSchemaVersion(in.optionalInt(node, "schemaVersion", 0))
        .build();
  }
}
