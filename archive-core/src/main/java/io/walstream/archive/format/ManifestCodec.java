package io.walstream.archive.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.layout.InvalidNameException;
import io.walstream.archive.layout.StreamId;
import io.walstream.schemas.value.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON of {@link Manifest}: UTF-8, every field present in a fixed order (null where
 * absent), no insignificant whitespace, timestamps as ISO-8601 UTC with six fraction digits. The
 * same manifest always encodes to the same bytes.
 *
 * <p>Decoding is strict: an unknown or missing {@code formatVersion} is an {@link
 * UnknownFormatException}; a missing, unknown, duplicated or mistyped field, trailing bytes, or any
 * deviation from the canonical bytes is an {@link IntegrityException} naming the key.
 */
public final class ManifestCodec {
  static final List<String> FIELDS =
      List.of(
          "formatVersion",
          "kind",
          "database",
          "topic",
          "partition",
          "topicId",
          "seq",
          "firstLsn",
          "firstTxIndex",
          "lastLsn",
          "lastTxIndex",
          "minCommitTime",
          "maxCommitTime",
          "recordCount",
          "firstSourceOffset",
          "lastSourceOffset",
          "handledThroughOffset",
          "segmentKey",
          "byteSize",
          "codec",
          "encryption",
          "schemaFingerprints",
          "segmentSha256",
          "prevManifestSha256",
          "writerVersion",
          "writerId");

  private static final ObjectMapper MAPPER = CanonicalJson.MAPPER;

  private ManifestCodec() {}

  /** The canonical bytes of {@code manifest}. */
  public static byte[] encode(Manifest m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("formatVersion", m.formatVersion());
      g.writeStringField("kind", m.kind().name());
      g.writeStringField("database", m.stream().database());
      g.writeStringField("topic", m.stream().topic());
      g.writeNumberField("partition", m.stream().partition());
      writeNullable(g, "topicId", m.topicId());
      g.writeNumberField("seq", m.seq());
      writeNullable(g, "firstLsn", m.firstLsn());
      writeNullable(g, "firstTxIndex", m.firstTxIndex());
      writeNullable(g, "lastLsn", m.lastLsn());
      writeNullable(g, "lastTxIndex", m.lastTxIndex());
      writeTime(g, "minCommitTime", m.minCommitTimeMicros());
      writeTime(g, "maxCommitTime", m.maxCommitTimeMicros());
      g.writeNumberField("recordCount", m.recordCount());
      g.writeNumberField("firstSourceOffset", m.firstSourceOffset());
      g.writeNumberField("lastSourceOffset", m.lastSourceOffset());
      g.writeNumberField("handledThroughOffset", m.handledThroughOffset());
      writeNullable(g, "segmentKey", m.segmentKey());
      g.writeNumberField("byteSize", m.byteSize());
      g.writeStringField("codec", m.codec());
      writeEncryption(g, m.encryption());
      g.writeArrayFieldStart("schemaFingerprints");
      for (String fingerprint : m.schemaFingerprints()) {
        g.writeString(fingerprint);
      }
      g.writeEndArray();
      writeNullable(g, "segmentSha256", m.segmentSha256());
      writeNullable(g, "prevManifestSha256", m.prevManifestSha256());
      g.writeStringField("writerVersion", m.writerVersion());
      g.writeStringField("writerId", m.writerId());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode manifest " + m.seq(), e);
    }
    return out.toByteArray();
  }

  private static void writeNullable(JsonGenerator g, String name, Object value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else if (value instanceof String s) {
      g.writeStringField(name, s);
    } else if (value instanceof Long l) {
      g.writeNumberField(name, l);
    } else {
      g.writeNumberField(name, (Integer) value);
    }
  }

  private static void writeTime(JsonGenerator g, String name, Long micros) throws IOException {
    if (micros == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, Values.formatTimestamp(Values.fromMicros(micros)));
    }
  }

  private static void writeEncryption(JsonGenerator g, Manifest.Encryption e) throws IOException {
    if (e == null) {
      g.writeNullField("encryption");
      return;
    }
    g.writeObjectFieldStart("encryption");
    g.writeStringField("scheme", e.scheme());
    g.writeStringField("keyId", e.keyId());
    g.writeStringField("wrappedKey", e.wrappedKey());
    g.writeEndObject();
  }

  /**
   * Decodes the manifest stored at {@code key}.
   *
   * @throws UnknownFormatException when the format version is missing or unknown
   * @throws IntegrityException for any other deviation from the format
   */
  public static Manifest decode(byte[] bytes, String key) {
    JsonNode node = CanonicalJson.readObject(bytes, key, "manifest");
    JsonNode version = node.get("formatVersion");
    if (version == null || !version.isInt()) {
      throw new UnknownFormatException(key, "Cannot read manifest " + key + ": no formatVersion");
    }
    if (version.intValue() != Manifest.FORMAT_VERSION) {
      throw new UnknownFormatException(
          key, "Cannot read manifest " + key + ": unknown formatVersion " + version.intValue());
    }
    checkFieldNames(node, key);
    Manifest manifest = build(new ManifestFields(node, key));
    if (!Arrays.equals(encode(manifest), bytes)) {
      throw bad(key, "not in canonical form (field order, whitespace or number format)");
    }
    return manifest;
  }

  private static void checkFieldNames(JsonNode node, String key) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    for (String name : names) {
      if (!FIELDS.contains(name)) {
        throw bad(key, "unknown field '" + name + "'");
      }
    }
    for (String field : FIELDS) {
      if (!node.has(field)) {
        throw bad(key, "missing field '" + field + "'");
      }
    }
  }

  private static Manifest build(ManifestFields f) {
    Manifest.Kind kind = f.kind();
    try {
      return new Manifest(
          f.integer("formatVersion"),
          kind,
          new StreamId(f.text("database"), f.text("topic"), f.integer("partition")),
          f.optionalText("topicId"),
          f.longValue("seq"),
          f.optionalLong("firstLsn"),
          f.optionalInteger("firstTxIndex"),
          f.optionalLong("lastLsn"),
          f.optionalInteger("lastTxIndex"),
          f.optionalTime("minCommitTime"),
          f.optionalTime("maxCommitTime"),
          f.longValue("recordCount"),
          f.longValue("firstSourceOffset"),
          f.longValue("lastSourceOffset"),
          f.longValue("handledThroughOffset"),
          f.optionalText("segmentKey"),
          f.longValue("byteSize"),
          f.text("codec"),
          f.encryption(),
          f.textList("schemaFingerprints"),
          f.optionalText("segmentSha256"),
          f.optionalText("prevManifestSha256"),
          f.text("writerVersion"),
          f.text("writerId"));
    } catch (IllegalArgumentException | InvalidNameException e) {
      // A name the layout cannot hold is a corrupt manifest like any other bad field.
      throw bad(f.key(), e.getMessage(), e);
    }
  }

  static IntegrityException bad(String key, String reason) {
    return bad(key, reason, null);
  }

  static IntegrityException bad(String key, String reason, Throwable cause) {
    return new IntegrityException(key, "Cannot read manifest " + key + ": " + reason, cause);
  }
}
