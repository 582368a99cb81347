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
    try (JsonParser parser = FACTORY.createParser(line)) {
      node = MAPPER.readTree(parser);
      if (node != null && parser.nextToken() != null) {
        // A second object (or anything else) after the first would be silently dropped.
        throw new JsonLinesException(
            lineNumber,
            null,
            "more than one JSON value on the line: something follows the object at column "
                + parser.currentTokenLocation().getColumnNr()
                + " (one change record per line)");
      }
    } catch (JsonProcessingException e) {
      throw new JsonLinesException(lineNumber, null, "not valid JSON: " + reason(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read line " + lineNumber, e);
    }
    if (node == null || !node.isObject()) {
      throw new JsonLinesException(lineNumber, null, "expected a JSON object");
    }
    requireWellFormedText(node, null, new FieldReader(lineNumber));
    return toRecord((ObjectNode) node, new FieldReader(lineNumber));
  }

  /** The parser's complaint in walstream's words where it would give advice about its options. */
  private static String reason(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message != null && message.contains("Non-standard token")) {
      return "NaN and Infinity are not JSON numbers, and a change record cannot carry them as"
          + " published JSON (at "
          + e.getLocation().getColumnNr()
          + ")";
    }
    return message;
  }

  /**
   * Refuses a string or a field name holding a lone surrogate: Avro would store it as '?', silently
   * altering the value.
   */
  private static void requireWellFormedText(JsonNode node, String path, FieldReader in) {
    if (node.isTextual() && lonelySurrogate(node.textValue()) >= 0) {
      throw in.error(
          path,
          "a lone surrogate (U+"
              + String.format(
                  "%04X", (int) node.textValue().charAt(lonelySurrogate(node.textValue())))
              + ") is not text and cannot be stored");
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = path == null ? field.getKey() : path + "." + field.getKey();
      if (lonelySurrogate(field.getKey()) >= 0) {
        throw in.error(name, "a lone surrogate in a field name is not text and cannot be stored");
      }
      requireWellFormedText(field.getValue(), name, in);
    }
    for (int i = 0; node.isArray() && i < node.size(); i++) {
      requireWellFormedText(node.get(i), path + "[" + i + "]", in);
    }
  }

  /** The index of the first surrogate without its pair in {@code text}, or -1. */
  private static int lonelySurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
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
