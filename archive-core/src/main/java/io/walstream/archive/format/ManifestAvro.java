package io.walstream.archive.format;

import io.walstream.schemas.avro.EncryptionDescriptor;
import io.walstream.schemas.avro.ManifestKind;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.value.Values;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between {@link Manifest} and its Avro form {@link SegmentManifest}, which the archiver
 * publishes to the manifests topic: the fields of {@link ManifestField}, under the same names, plus
 * the SHA-256 of the JSON manifest, so a follower can check it against the archive.
 */
public final class ManifestAvro {
  private ManifestAvro() {}

  /** The Avro form of {@code m}, carrying {@code manifestSha256}, the hash of its JSON bytes. */
  public static SegmentManifest toAvro(Manifest m, String manifestSha256) {
    SegmentManifest avro = new SegmentManifest();
    for (ManifestField field : ManifestField.values()) {
      avro.put(field.fieldName(), toAvro(field.type(), field.of(m)));
    }
    avro.setManifestSha256(manifestSha256);
    return avro;
  }

  /**
   * The manifest {@code a} describes.
   *
   * @throws IllegalArgumentException when it describes none (see {@link ManifestField#assemble})
   */
  public static Manifest fromAvro(SegmentManifest a) {
    Map<ManifestField, Object> values = new EnumMap<>(ManifestField.class);
    for (ManifestField field : ManifestField.values()) {
      values.put(field, fromAvro(field.type(), a.get(field.fieldName())));
    }
    return ManifestField.assemble(values);
  }

  private static Object toAvro(ManifestField.Type type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type) {
      case TIME -> Values.fromMicros((Long) value);
      case KIND -> ManifestKind.valueOf(((Manifest.Kind) value).name());
      case ENCRYPTION -> {
        Manifest.Encryption e = (Manifest.Encryption) value;
        yield new EncryptionDescriptor(e.scheme(), e.keyId());
      }
      default -> value;
    };
  }

  private static Object fromAvro(ManifestField.Type type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type) {
      case TIME -> Values.toMicros((Instant) value);
      case KIND -> Manifest.Kind.valueOf(((ManifestKind) value).name());
      case ENCRYPTION -> {
        EncryptionDescriptor e = (EncryptionDescriptor) value;
        yield new Manifest.Encryption(e.getScheme(), e.getKeyId());
      }
      case TEXT_LIST -> List.copyOf((List<?>) value);
      case TEXT, OPTIONAL_TEXT -> value.toString();
      default -> value;
    };
  }
}
