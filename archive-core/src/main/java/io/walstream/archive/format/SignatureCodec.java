package io.walstream.archive.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Canonical JSON of a signature object (docs/FORMAT.md §13), stored beside the manifest or catalog
 * entry it signs so that the signed object's own bytes stay as they are.
 */
public final class SignatureCodec {
  /** The format version of signature objects. */
  public static final int FORMAT_VERSION = 1;

  private static final List<String> FIELDS =
      List.of("formatVersion", "signed", "sha256", "signature");

  private SignatureCodec() {}

  /**
   * A signature of the object at {@code signed} whose bytes hash to {@code sha256}.
   *
   * @param signed the key of the signed object
   * @param sha256 SHA-256 of the signed object's bytes
   * @param signature the Tink signature of {@link #signedData}
   */
  public record StoredSignature(String signed, String sha256, byte[] signature) {
    public StoredSignature {
      if (signed == null || signed.isEmpty() || !Sha256.isHex(sha256)) {
        throw new IllegalArgumentException("Cannot describe signature: bad signed key or sha256");
      }
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }

  /**
   * The bytes a signature is made over: {@code walstream-signature/v1}, a newline, the signed
   * object's key, a newline, the SHA-256 of its bytes (hex), in UTF-8. Naming the key binds the
   * signature to the object's place as well as to its content.
   */
  public static byte[] signedData(String signed, String sha256) {
    return ("walstream-signature/v1\n" + signed + "\n" + sha256).getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical bytes of {@code s}. */
  public static byte[] encode(StoredSignature s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = CanonicalJson.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("formatVersion", FORMAT_VERSION);
      g.writeStringField("signed", s.signed());
      g.writeStringField("sha256", s.sha256());
      g.writeStringField("signature", Base64.getEncoder().encodeToString(s.signature()));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode the signature of " + s.signed(), e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes the signature object stored at {@code key}.
   *
   * @throws UnknownFormatException when the format version is missing or unknown
   * @throws IntegrityException for any other deviation from the format
   */
  public static StoredSignature decode(byte[] bytes, String key) {
    JsonNode node = CanonicalJson.readObject(bytes, key, "signature");
    JsonNode version = node.get("formatVersion");
    if (version == null || !version.isInt() || version.intValue() != FORMAT_VERSION) {
      throw new UnknownFormatException(
          key,
          "Cannot read signature "
              + key
              + ": "
              + (version == null ? "no formatVersion" : "unknown formatVersion " + version));
    }
    StrictJson f = StrictJson.root(node, key, "signature", FIELDS);
    StoredSignature signature;
    try {
      signature =
          new StoredSignature(
              f.text("signed"), f.text("sha256"), Base64.getDecoder().decode(f.text("signature")));
    } catch (IllegalArgumentException e) {
      throw f.bad(e.getMessage(), e);
    }
    if (!Arrays.equals(encode(signature), bytes)) {
      throw f.bad("not in canonical form (field order, whitespace or number format)");
    }
    return signature;
  }
}
