package io.walstream.archive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestCodecTest {
  static final StreamId STREAM = new StreamId("shop", "walstream.changes", 2);
  static final String SHA_A = "a".repeat(64);
  static final String SHA_B = "b".repeat(64);

  static Manifest.Segment manifest(long seq) {
    return new Manifest.Segment(
        new Manifest.ChainLink(STREAM, seq, seq == 0 ? null : SHA_B, "0.1.0", "archiver-1"),
        "Zm9vYmFyYmF6cXV4",
        new Manifest.OffsetRange(100, 141, 145),
        new Position(1042, 0),
        new Position(1050, 3),
        new Manifest.CommitTimes(1_795_255_200_123_456L, 1_795_255_260_000_000L),
        42,
        new Manifest.SegmentRef(
            ArchiveLayout.segmentKey(STREAM, seq, SHA_A),
            SHA_A,
            8192,
            SegmentFormat.CODEC,
            null,
            List.of(SegmentFormat.RECORD_SCHEMA_FINGERPRINT)));
  }

  @Test
  void shouldEncodeCanonicalJsonInTheDocumentedFieldOrder() {
    String json = new String(ManifestCodec.encode(manifest(5)), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"formatVersion\":1,\"kind\":\"SEGMENT\",\"database\":\"shop\","
                + "\"topic\":\"walstream.changes\",\"partition\":2,\"topicId\":\"Zm9vYmFyYmF6cXV4\","
                + "\"seq\":5,\"firstLsn\":1042,\"firstTxIndex\":0,\"lastLsn\":1050,\"lastTxIndex\":3,"
                + "\"minCommitTime\":\"2026-11-21T10:00:00.123456Z\","
                + "\"maxCommitTime\":\"2026-11-21T10:01:00.000000Z\",\"recordCount\":42,"
                + "\"firstSourceOffset\":100,\"lastSourceOffset\":141,\"handledThroughOffset\":145,"
                + "\"segmentKey\":\"shop/wal/walstream.changes/00000002/0000000000000005-"
                + SHA_A
                + ".seg\",\"byteSize\":8192,\"codec\":\"zstandard\",\"encryption\":null,"
                + "\"schemaFingerprints\":[\""
                + SegmentFormat.RECORD_SCHEMA_FINGERPRINT
                + "\"],\"segmentSha256\":\""
                + SHA_A
                + "\",\"prevManifestSha256\":\""
                + SHA_B
                + "\",\"writerVersion\":\"0.1.0\",\"writerId\":\"archiver-1\"}");
  }

  @Property(tries = 200)
  void shouldRoundTripAndEncodeIdenticallyEveryTime(
      @ForAll @LongRange(min = 0, max = 1 << 40) long seq) {
    Manifest m = manifest(seq);
    byte[] bytes = ManifestCodec.encode(m);

    assertThat(ManifestCodec.decode(bytes, "k")).isEqualTo(m);
    assertThat(ManifestCodec.encode(ManifestCodec.decode(bytes, "k"))).isEqualTo(bytes);
  }

  @Test
  void shouldRoundTripGapManifestsAndEncryptionDescriptors() {
    Manifest gap =
        new Manifest.Gap(
            new Manifest.ChainLink(STREAM, 3, SHA_B, "0.1.0", "w"),
            new Manifest.OffsetRange(500, 599, 599));
    Manifest.Segment m = manifest(1);
    Manifest encrypted =
        io.walstream.archive.testing.ManifestEdits.withEncryption(
            m, new Manifest.Encryption("tink-aes256-gcm-hkdf-1mb", 4_000_000_000L));

    assertThat(ManifestCodec.decode(ManifestCodec.encode(gap), "k")).isEqualTo(gap);
    assertThat(ManifestCodec.decode(ManifestCodec.encode(encrypted), "k")).isEqualTo(encrypted);
  }

  @Test
  void shouldRoundTripThroughTheAvroFormOnTheManifestsTopic() {
    Manifest m = manifest(9);
    SingleObjectCodec<SegmentManifest> codec = SingleObjectCodec.of(SegmentManifest.class);

    SegmentManifest avro = codec.decode(codec.encode(ManifestAvro.toAvro(m, SHA_B)));

    assertThat(ManifestAvro.fromAvro(avro)).isEqualTo(m);
    assertThat(avro.getManifestSha256()).isEqualTo(SHA_B);
  }

  private static String json(long seq) {
    return new String(ManifestCodec.encode(manifest(seq)), StandardCharsets.UTF_8);
  }

  @Test
  void shouldRaiseUnknownFormatWhenVersionIsNewerOrMissing() {
    String newer = json(1).replace("\"formatVersion\":1", "\"formatVersion\":2");
    String missing = json(1).replace("\"formatVersion\":1,", "");

    assertThatThrownBy(() -> ManifestCodec.decode(newer.getBytes(StandardCharsets.UTF_8), "m.json"))
        .isInstanceOf(UnknownFormatException.class)
        .hasMessage("Cannot read manifest m.json: unknown formatVersion 2");
    assertThatThrownBy(
            () -> ManifestCodec.decode(missing.getBytes(StandardCharsets.UTF_8), "m.json"))
        .isInstanceOf(UnknownFormatException.class)
        .hasMessage("Cannot read manifest m.json: no formatVersion");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "missing field|\"writerId\":\"archiver-1\"|\"writerIdx\":\"archiver-1\"|unknown field 'writerIdx'",
        "trailing garbage|\"archiver-1\"}|\"archiver-1\"}x|not valid JSON",
        "second object|\"archiver-1\"}|\"archiver-1\"}{}|not valid JSON",
        "whitespace|\"seq\":1,|\"seq\": 1,|not in canonical form",
        "wrong type|\"seq\":1,|\"seq\":\"1\",|field 'seq' must be an integer",
        "prev missing on seq 1|\"prevManifestSha256\":\"bbbb|\"prevManifestSha256\":null,\"x\":\"bbbb|unknown field 'x'",
        "unknown kind|\"kind\":\"SEGMENT\"|\"kind\":\"SNAPSHOT\"|unknown kind 'SNAPSHOT'",
        "bad time|\"minCommitTime\":\"2026-11-21T10:00:00.123456Z\"|\"minCommitTime\":\"yesterday\"|field 'minCommitTime'",
        "duplicate|\"seq\":1,|\"seq\":1,\"seq\":1,|Duplicate field 'seq'",
        "offsets backwards|\"lastSourceOffset\":141|\"lastSourceOffset\":99|need 0 <= firstSourceOffset",
        "encryption without its fields|\"encryption\":null|\"encryption\":{\"scheme\":\"x\"}|missing field 'encryption.keyId'",
        "fingerprint not a string|\"schemaFingerprints\":[\"|\"schemaFingerprints\":[7,\"|must be an array of strings",
        "control character in a name|\"database\":\"shop\"|\"database\":\"sh\\u007Fop\"|control character U+007F",
      })
  void shouldRaiseIntegrityErrorNamingTheKeyWhenManifestIsMalformed(
      String scenario, String find, String replace, String message) {
    String edited = json(1).replace(find, replace);
    assertThat(edited).isNotEqualTo(json(1));

    assertThatThrownBy(
            () -> ManifestCodec.decode(edited.getBytes(StandardCharsets.UTF_8), "db/m.json"))
        .isInstanceOf(IntegrityException.class)
        .isNotInstanceOf(UnknownFormatException.class)
        .hasMessageStartingWith("Cannot read manifest db/m.json: ")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((IntegrityException) e).key()).isEqualTo("db/m.json"));
  }

  @Test
  void shouldRaiseIntegrityErrorWhenAFieldIsMissing() {
    String edited = json(1).replace(",\"writerVersion\":\"0.1.0\"", "");

    assertThatThrownBy(() -> ManifestCodec.decode(edited.getBytes(StandardCharsets.UTF_8), "k"))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("missing field 'writerVersion'");
  }
}
