package io.walstream.archive.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.layout.InvalidNameException;
import io.walstream.archive.layout.StreamId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON of {@link CatalogEntry}, under the same rules as manifests (docs/FORMAT.md):
 * UTF-8, every field in a fixed order, no insignificant whitespace; decoding re-encodes and
 * compares.
 */
public final class CatalogCodec {
  static final List<String> FIELDS =
      List.of(
          "formatVersion",
          "kind",
          "database",
          "seq",
          "topic",
          "partition",
          "prevEntrySha256",
          "writerVersion",
          "writerId");

  /** The one kind of entry: a stream added to the database. */
  static final String KIND = "STREAM";

  private static final ObjectMapper MAPPER = CanonicalJson.MAPPER;

  private CatalogCodec() {}

  /** The canonical bytes of {@code entry}. */
  public static byte[] encode(CatalogEntry entry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("formatVersion", entry.formatVersion());
      g.writeStringField("kind", KIND);
      g.writeStringField("database", entry.database());
      g.writeNumberField("seq", entry.seq());
      g.writeStringField("topic", entry.stream().topic());
      g.writeNumberField("partition", entry.stream().partition());
      if (entry.prevEntrySha256() == null) {
        g.writeNullField("prevEntrySha256");
      } else {
        g.writeStringField("prevEntrySha256", entry.prevEntrySha256());
      }
      g.writeStringField("writerVersion", entry.writerVersion());
      g.writeStringField("writerId", entry.writerId());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode catalog entry " + entry.seq(), e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes the catalog entry stored at {@code key}.
   *
   * @throws UnknownFormatException when the format version is missing or unknown
   * @throws IntegrityException for any other deviation from the format
   */
  public static CatalogEntry decode(byte[] bytes, String key) {
    JsonNode node = CanonicalJson.readObject(bytes, key, "catalog entry");
    JsonNode version = node.get("formatVersion");
    if (version == null || !version.isInt() || version.intValue() != CatalogEntry.FORMAT_VERSION) {
      throw new UnknownFormatException(
          key,
          "Cannot read catalog entry "
              + key
              + ": "
              + (version == null ? "no formatVersion" : "unknown formatVersion " + version));
    }
    int count = 0;
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); count++) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw bad(key, "unknown field '" + name + "'", null);
      }
    }
    if (count != FIELDS.size()) {
      throw bad(key, "missing fields: it has " + count + " of " + FIELDS.size(), null);
    }
    if (!KIND.equals(text(node, "kind", key))) {
      throw bad(key, "unknown kind " + node.get("kind"), null);
    }
    CatalogEntry entry;
    try {
      JsonNode prev = node.get("prevEntrySha256");
      entry =
          new CatalogEntry(
              version.intValue(),
              integral(node, "seq", key),
              new StreamId(
                  text(node, "database", key),
                  text(node, "topic", key),
                  Math.toIntExact(integral(node, "partition", key))),
              prev.isNull() ? null : text(node, "prevEntrySha256", key),
              text(node, "writerVersion", key),
              text(node, "writerId", key));
    } catch (IllegalArgumentException | InvalidNameException | ArithmeticException e) {
      throw bad(key, e.getMessage(), e);
    }
    if (!Arrays.equals(encode(entry), bytes)) {
      throw bad(key, "not in canonical form (field order, whitespace or number format)", null);
    }
    return entry;
  }

  private static String text(JsonNode node, String field, String key) {
    JsonNode value = node.get(field);
    if (!value.isTextual()) {
      throw bad(key, "field '" + field + "' must be a string, got " + value, null);
    }
    return value.textValue();
  }

  private static long integral(JsonNode node, String field, String key) {
    JsonNode value = node.get(field);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw bad(key, "field '" + field + "' must be an integer, got " + value, null);
    }
    return value.longValue();
  }

  private static IntegrityException bad(String key, String reason, Throwable cause) {
    return new IntegrityException(key, "Cannot read catalog entry " + key + ": " + reason, cause);
  }
}
