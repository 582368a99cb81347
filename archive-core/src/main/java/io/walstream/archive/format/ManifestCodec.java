package io.walstream.archive.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.layout.InvalidNameException;
import io.walstream.schemas.value.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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
  private static final ObjectMapper MAPPER = CanonicalJson.MAPPER;

  private ManifestCodec() {}

  /** The canonical bytes of {@code manifest}. */
  public static byte[] encode(Manifest m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      for (ManifestField field : ManifestField.values()) {
        write(g, field, field.of(m));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode manifest " + m.seq(), e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, ManifestField field, Object value) throws IOException {
    g.writeFieldName(field.fieldName());
    if (value == null) {
      g.writeNull();
      return;
    }
    switch (field.type()) {
      case INT, OPTIONAL_INT -> g.writeNumber((Integer) value);
      case LONG, OPTIONAL_LONG -> g.writeNumber((Long) value);
      case TEXT, OPTIONAL_TEXT -> g.writeString((String) value);
      case TIME -> g.writeString(Values.formatTimestamp(Values.fromMicros((Long) value)));
      case KIND -> g.writeString(((Manifest.Kind) value).name());
      case ENCRYPTION -> writeEncryption(g, (Manifest.Encryption) value);
      case TEXT_LIST -> writeTextList(g, (List<?>) value);
    }
  }

  /** Writes field {@code name} holding {@code e}, or null. */
  static void writeEncryption(JsonGenerator g, String name, Manifest.Encryption e)
      throws IOException {
    g.writeFieldName(name);
    if (e == null) {
      g.writeNull();
    } else {
      writeEncryption(g, e);
    }
  }

  private static void writeEncryption(JsonGenerator g, Manifest.Encryption e) throws IOException {
    g.writeStartObject();
    g.writeStringField("scheme", e.scheme());
    g.writeNumberField("keyId", e.keyId());
    g.writeEndObject();
  }

  private static void writeTextList(JsonGenerator g, List<?> list) throws IOException {
    g.writeStartArray();
    for (Object text : list) {
      g.writeString((String) text);
    }
    g.writeEndArray();
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
    StrictJson fields =
        StrictJson.root(
            node,
            key,
            "manifest",
            Arrays.stream(ManifestField.values()).map(ManifestField::fieldName).toList());
    Manifest manifest = build(fields);
    if (!Arrays.equals(encode(manifest), bytes)) {
      throw bad(key, "not in canonical form (field order, whitespace or number format)");
    }
    return manifest;
  }

  private static Manifest build(StrictJson f) {
    Map<ManifestField, Object> values = new EnumMap<>(ManifestField.class);
    for (ManifestField field : ManifestField.values()) {
      values.put(field, read(f, field));
    }
    try {
      return ManifestField.assemble(values);
    } catch (IllegalArgumentException | InvalidNameException e) {
      // A name the layout cannot hold is a corrupt manifest like any other bad field.
      throw f.bad(e.getMessage(), e);
    }
  }

  private static Object read(StrictJson f, ManifestField field) {
    String name = field.fieldName();
    return switch (field.type()) {
      case INT -> f.integer(name);
      case OPTIONAL_INT -> f.optionalInteger(name);
      case LONG -> f.longValue(name);
      case OPTIONAL_LONG -> f.optionalLong(name);
      case TEXT -> f.text(name);
      case OPTIONAL_TEXT -> f.optionalText(name);
      case TIME -> f.optionalTime(name);
      case KIND -> kind(f, name);
      case ENCRYPTION -> encryption(f, name);
      case TEXT_LIST -> f.texts(name);
    };
  }

  private static Manifest.Kind kind(StrictJson f, String name) {
    String text = f.text(name);
    try {
      return Manifest.Kind.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw f.bad("unknown kind '" + text + "'", e);
    }
  }

  /** The encryption object in field {@code name} of {@code f}, or null. */
  static Manifest.Encryption encryption(StrictJson f, String name) {
    if (f.isNull(name)) {
      return null;
    }
    StrictJson e = f.object(name, List.of("scheme", "keyId"));
    try {
      return new Manifest.Encryption(e.text("scheme"), e.longValue("keyId"));
    } catch (IllegalArgumentException bad) {
      throw e.bad(bad.getMessage(), bad);
    }
  }

  private static IntegrityException bad(String key, String reason) {
    return new IntegrityException(key, "Cannot read manifest " + key + ": " + reason);
  }
}
