package io.walstream.archive.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.schemas.value.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Canonical JSON of a {@link StoredKeyset} (docs/FORMAT.md §12), under the rules of manifests:
 * every field in a fixed order, no insignificant whitespace; decoding re-encodes and compares.
 */
public final class KeysetCodec {
  static final List<String> FIELDS =
      List.of(
          "formatVersion",
          "version",
          "kek",
          "createdAt",
          "primaryKeyId",
          "keys",
          "encryptedKeyset");
  private static final List<String> KEY_FIELDS = List.of("id", "createdAt");

  private KeysetCodec() {}

  /** The canonical bytes of {@code keyset}. */
  public static byte[] encode(StoredKeyset keyset) {
    return encode(keyset, Base64.getEncoder().encodeToString(keyset.encryptedKeyset()));
  }

  /**
   * The associated data the encrypted keyset is bound to: the canonical bytes of {@code keyset}
   * with {@code encryptedKeyset} the empty string, so that none of its metadata can be changed
   * without the KEK's authentication failing.
   */
  public static byte[] associatedData(StoredKeyset keyset) {
    return encode(keyset, "");
  }

  private static byte[] encode(StoredKeyset keyset, String ciphertext) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = CanonicalJson.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("formatVersion", StoredKeyset.FORMAT_VERSION);
      g.writeNumberField("version", keyset.version());
      g.writeStringField("kek", keyset.kek());
      g.writeStringField("createdAt", time(keyset.createdMicros()));
      g.writeNumberField("primaryKeyId", keyset.primaryKeyId());
      g.writeArrayFieldStart("keys");
      for (StoredKeyset.DataKey key : keyset.keys()) {
        g.writeStartObject();
        g.writeNumberField("id", key.id());
        g.writeStringField("createdAt", time(key.createdMicros()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("encryptedKeyset", ciphertext);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode keyset version " + keyset.version(), e);
    }
    return out.toByteArray();
  }

  private static String time(long micros) {
    return Values.formatTimestamp(Values.fromMicros(micros));
  }

  /**
   * Decodes the keyset object stored at {@code key}.
   *
   * @throws UnknownFormatException when the format version is missing or unknown
   * @throws IntegrityException for any other deviation from the format
   */
  public static StoredKeyset decode(byte[] bytes, String key) {
    JsonNode node = CanonicalJson.readObject(bytes, key, "keyset");
    JsonNode version = node.get("formatVersion");
    if (version == null || !version.isInt() || version.intValue() != StoredKeyset.FORMAT_VERSION) {
      throw new UnknownFormatException(
          key,
          "Cannot read keyset "
              + key
              + ": "
              + (version == null ? "no formatVersion" : "unknown formatVersion " + version));
    }
    StrictJson f = StrictJson.root(node, key, "keyset", FIELDS);
    StoredKeyset keyset;
    try {
      keyset =
          new StoredKeyset(
              f.longValue("version"),
              f.text("kek"),
              f.time("createdAt"),
              f.longValue("primaryKeyId"),
              f.objects(
                  "keys",
                  KEY_FIELDS,
                  k -> new StoredKeyset.DataKey(k.longValue("id"), k.time("createdAt"))),
              Base64.getDecoder().decode(f.text("encryptedKeyset")));
    } catch (IllegalArgumentException e) {
      throw f.bad(e.getMessage(), e);
    }
    if (!Arrays.equals(encode(keyset), bytes)) {
      throw f.bad("not in canonical form (field order, whitespace or number format)");
    }
    return keyset;
  }
}
