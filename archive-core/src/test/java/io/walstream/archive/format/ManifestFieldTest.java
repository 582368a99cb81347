package io.walstream.archive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.schemas.avro.SegmentManifest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestFieldTest {
  private static final String GAP_JSON =
      "{\"formatVersion\":1,\"kind\":\"GAP\",\"database\":\"shop\",\"topic\":\"walstream.changes\","
          + "\"partition\":2,\"topicId\":null,\"seq\":3,\"firstLsn\":null,\"firstTxIndex\":null,"
          + "\"lastLsn\":null,\"lastTxIndex\":null,\"minCommitTime\":null,\"maxCommitTime\":null,"
          + "\"recordCount\":0,\"firstSourceOffset\":500,\"lastSourceOffset\":599,"
          + "\"handledThroughOffset\":599,\"segmentKey\":null,\"byteSize\":0,"
          + "\"codec\":\"zstandard\",\"encryption\":null,\"schemaFingerprints\":[],"
          + "\"segmentSha256\":null,\"prevManifestSha256\":\""
          + ManifestCodecTest.SHA_B
          + "\",\"writerVersion\":\"0.1.0\",\"writerId\":\"w\"}";

  private static Manifest.Gap gap() {
    return new Manifest.Gap(
        new Manifest.ChainLink(ManifestCodecTest.STREAM, 3, ManifestCodecTest.SHA_B, "0.1.0", "w"),
        new Manifest.OffsetRange(500, 599, 599));
  }

  @Test
  void shouldNameTheAvroFieldsInTheirOrderWhenListingTheTable() {
    List<String> avro =
        SegmentManifest.getClassSchema().getFields().stream().map(Schema.Field::name).toList();
    List<String> table =
        Arrays.stream(ManifestField.values()).map(ManifestField::fieldName).toList();

    assertThat(avro).containsExactlyElementsOf(append(table, "manifestSha256"));
  }

  @Test
  void shouldEncodeAGapWithTheFixedValuesOfItsSegmentFields() {
    assertThat(new String(ManifestCodec.encode(gap()), StandardCharsets.UTF_8)).isEqualTo(GAP_JSON);
    assertThat(ManifestCodec.decode(GAP_JSON.getBytes(StandardCharsets.UTF_8), "k"))
        .isEqualTo(gap());
    assertThat(ManifestAvro.fromAvro(ManifestAvro.toAvro(gap(), null))).isEqualTo(gap());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "segment key|\"segmentKey\":null|\"segmentKey\":\"x.seg\"|field 'segmentKey'",
        "records|\"recordCount\":0|\"recordCount\":3|field 'recordCount'",
        "bytes|\"byteSize\":0|\"byteSize\":10|field 'byteSize'",
        "codec|\"codec\":\"zstandard\"|\"codec\":\"gzip\"|field 'codec'",
        "lsn|\"firstLsn\":null|\"firstLsn\":7|field 'firstLsn'",
        "topic id|\"topicId\":null|\"topicId\":\"abc\"|field 'topicId'",
        "fingerprints|\"schemaFingerprints\":[]|\"schemaFingerprints\":[\"ab\"]|field 'schemaFingerprints'",
      })
  void shouldRefuseAGapNamingTheFieldWhenItStoresWhatOnlyASegmentHas(
      String scenario, String find, String replace, String field) {
    String edited = GAP_JSON.replace(find, replace);
    assertThat(edited).isNotEqualTo(GAP_JSON);

    assertThatThrownBy(() -> ManifestCodec.decode(edited.getBytes(StandardCharsets.UTF_8), "g"))
        .isInstanceOf(IntegrityException.class)
        .hasMessageStartingWith("Cannot read manifest g: a GAP manifest has no segment")
        .hasMessageContaining(field);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "firstLsn|\"firstLsn\":1042|\"firstLsn\":null",
        "lastTxIndex|\"lastTxIndex\":3|\"lastTxIndex\":null",
        "maxCommitTime|\"maxCommitTime\":\"2026-11-21T10:01:00.000000Z\"|\"maxCommitTime\":null",
        "segmentSha256|\"segmentSha256\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"|\"segmentSha256\":null",
      })
  void shouldRefuseASegmentNamingTheFieldWhenAValueItNeedsIsNull(
      String field, String find, String replace) {
    String json =
        new String(ManifestCodec.encode(ManifestCodecTest.manifest(1)), StandardCharsets.UTF_8);
    String edited = json.replace(find, replace);
    assertThat(edited).isNotEqualTo(json);

    assertThatThrownBy(() -> ManifestCodec.decode(edited.getBytes(StandardCharsets.UTF_8), "s"))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("a SEGMENT manifest needs field '" + field + "'");
  }

  @Test
  void shouldRefuseASegmentWhoseLastPositionIsBeforeItsFirst() {
    String json =
        new String(ManifestCodec.encode(ManifestCodecTest.manifest(1)), StandardCharsets.UTF_8);
    String edited = json.replace("\"lastLsn\":1050", "\"lastLsn\":1041");

    assertThatThrownBy(() -> ManifestCodec.decode(edited.getBytes(StandardCharsets.UTF_8), "s"))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("first position <= last position");
  }

  private static List<String> append(List<String> list, String last) {
    return java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(last)).toList();
  }
}
