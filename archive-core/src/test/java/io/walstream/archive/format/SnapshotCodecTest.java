package io.walstream.archive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.schemas.avro.SnapshotRow;
import io.walstream.schemas.value.ValueType;
import io.walstream.schemas.value.Values;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnapshotCodecTest {
  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "b".repeat(64);
  private static final String SHA_C = "c".repeat(64);

  static Snapshot snapshot() {
    return new Snapshot(
        "shop",
        1050,
        1_795_255_260_000_000L,
        1_795_255_260_000_001L,
        List.of(
            new Snapshot.StreamPosition("walstream.changes", 2, 5, SHA_A, new Position(1049, 3))),
        new Snapshot.CatalogPosition(1, SHA_B),
        List.of(
            new Snapshot.Table(
                "public.orders",
                List.of(new Snapshot.Column("id", ValueType.LONG)),
                List.of(
                    new Snapshot.Column("id", ValueType.LONG),
                    new Snapshot.Column("total", ValueType.DECIMAL),
                    new Snapshot.Column("note", ValueType.NULL)),
                3,
                120)),
        List.of(
            new Snapshot.Chunk(
                "public.orders", ArchiveLayout.snapshotChunkKey("shop", SHA_C), SHA_C, 120, 3)),
        new Snapshot.Incomplete(1, 2, List.of(1001L)),
        List.of(new Snapshot.GapCrossed("walstream.changes", 2, 3, 500, 599)),
        SHA_B,
        "0.1.0",
        "snapshotter-1");
  }

  private static String json() {
    return new String(SnapshotCodec.encode(snapshot()), StandardCharsets.UTF_8);
  }

  @Test
  void shouldEncodeCanonicalJsonInTheDocumentedFieldOrder() {
    assertThat(json())
        .isEqualTo(
            "{\"formatVersion\":1,\"database\":\"shop\",\"lsn\":1050,"
                + "\"commitTime\":\"2026-11-21T10:01:00.000000Z\","
                + "\"maxCommitTime\":\"2026-11-21T10:01:00.000001Z\","
                + "\"streams\":[{\"topic\":\"walstream.changes\",\"partition\":2,\"seq\":5,"
                + "\"manifestSha256\":\""
                + SHA_A
                + "\",\"lastLsn\":1049,\"lastTxIndex\":3}],"
                + "\"catalog\":{\"seq\":1,\"sha256\":\""
                + SHA_B
                + "\"},"
                + "\"tables\":[{\"name\":\"public.orders\",\"keys\":[{\"name\":\"id\",\"type\":\"long\"}],"
                + "\"columns\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"total\",\"type\":\"decimal\"},"
                + "{\"name\":\"note\",\"type\":\"null\"}],\"rows\":3,\"bytes\":120}],"
                + "\"chunks\":[{\"table\":\"public.orders\",\"key\":\"shop/snapshot-chunks/"
                + SHA_C
                + ".chunk\",\"sha256\":\""
                + SHA_C
                + "\",\"byteSize\":120,\"rows\":3}],"
                + "\"incomplete\":{\"transactions\":1,\"records\":2,\"lsns\":[1001]},"
                + "\"gaps\":[{\"topic\":\"walstream.changes\",\"partition\":2,\"seq\":3,"
                + "\"firstOffset\":500,\"lastOffset\":599}],"
                + "\"prevSnapshotSha256\":\""
                + SHA_B
                + "\",\"writerVersion\":\"0.1.0\","
                + "\"writerId\":\"snapshotter-1\"}");
  }

  @Test
  void shouldRoundTripToTheSameBytes() {
    byte[] bytes = SnapshotCodec.encode(snapshot());

    assertThat(SnapshotCodec.decode(bytes, "k")).isEqualTo(snapshot());
    assertThat(SnapshotCodec.encode(SnapshotCodec.decode(bytes, "k"))).isEqualTo(bytes);
    assertThat(snapshot().rows()).isEqualTo(3);
    assertThat(snapshot().bytes()).isEqualTo(120);
    assertThat(snapshot().key()).isEqualTo("shop/snapshots/000000000000041a.snapshot.json");
  }

  @Test
  void shouldRaiseUnknownFormatWhenTheVersionIsNewer() {
    byte[] newer =
        json()
            .replace("\"formatVersion\":1", "\"formatVersion\":3")
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> SnapshotCodec.decode(newer, "s.json"))
        .isInstanceOf(UnknownFormatException.class)
        .hasMessageContaining("unknown formatVersion 3");
  }

  @Test
  void shouldWriteVersionTwoWithChunkEncryptionExactlyWhenAChunkIsEncrypted() {
    Snapshot plain = snapshot();
    Snapshot.Chunk c = plain.chunks().get(0);
    Snapshot encrypted =
        io.walstream.archive.testing.ManifestEdits.withChunks(
            plain,
            List.of(
                new Snapshot.Chunk(
                    c.table(),
                    c.key(),
                    c.sha256(),
                    c.byteSize(),
                    c.rows(),
                    new Manifest.Encryption(EnvelopeHeader.SCHEME, 4_000_000_000L))));
    String json = new String(SnapshotCodec.encode(encrypted), StandardCharsets.UTF_8);

    assertThat(json)
        .startsWith("{\"formatVersion\":2,")
        .contains(
            "\"rows\":3,\"encryption\":{\"scheme\":\"tink-aes256-gcm-hkdf-1mb\",\"keyId\":4000000000}}");
    assertThat(SnapshotCodec.decode(json.getBytes(StandardCharsets.UTF_8), "s.json"))
        .isEqualTo(encrypted);
    assertThat(json()).startsWith("{\"formatVersion\":1,").doesNotContain("encryption");
    // Version 2 with no chunk encrypted is not how this snapshot is written: not canonical.
    String allNull = json.replaceFirst("\"encryption\":\\{[^}]*\\}", "\"encryption\":null");
    assertThatThrownBy(
            () -> SnapshotCodec.decode(allNull.getBytes(StandardCharsets.UTF_8), "s.json"))
        .isInstanceOf(io.walstream.archive.error.IntegrityException.class)
        .hasMessageContaining("canonical");
    // Version 1 has no such field.
    String v1 = json.replace("\"formatVersion\":2", "\"formatVersion\":1");
    assertThatThrownBy(() -> SnapshotCodec.decode(v1.getBytes(StandardCharsets.UTF_8), "s.json"))
        .isInstanceOf(io.walstream.archive.error.IntegrityException.class)
        .hasMessageContaining("encryption");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown field|\"writerId\"|\"writerIdx\"|unknown field 'writerIdx'",
        "nested unknown field|\"lastTxIndex\"|\"lastTx\"|unknown field 'streams[0].lastTx'",
        "nested wrong type|\"rows\":3,\"bytes\"|\"rows\":\"3\",\"bytes\"|field 'tables[0].rows' must be an integer",
        "unknown value type|\"type\":\"decimal\"|\"type\":\"money\"|unknown value type 'money'",
        "whitespace|\"lsn\":1050|\"lsn\": 1050|not in canonical form",
        "bad time|2026-11-21T10:01:00.000000Z|yesterday|field 'commitTime'",
        "chunk key not its hash|shop/snapshot-chunks/cccc|shop/snapshot-chunks/dccc|is not the one its hash makes",
        "missing catalog field|\"catalog\":{\"seq\":1,|\"catalog\":{|missing field 'catalog.seq'",
        "control character in the database|\"database\":\"shop\"|\"database\":\"s\u007fhop\"|control character U+007F",
      })
  void shouldRaiseIntegrityErrorsNamingTheFieldWhenMalformed(
      String scenario, String find, String replace, String message) {
    String edited = json().replaceFirst(java.util.regex.Pattern.quote(find), replace);
    assertThat(edited).isNotEqualTo(json());

    assertThatThrownBy(
            () -> SnapshotCodec.decode(edited.getBytes(StandardCharsets.UTF_8), "s.json"))
        .isInstanceOf(IntegrityException.class)
        .isNotInstanceOf(UnknownFormatException.class)
        .hasMessageStartingWith("Cannot read snapshot s.json: ")
        .hasMessageContaining(message);
  }

  private static byte[] row(long id, String note) {
    Map<String, Object> key = Map.of("id", id);
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("id", id);
    after.put("note", note);
    after.put("total", Values.decimal(new BigDecimal("12.50")));
    return SnapshotChunks.encodeRow(new SnapshotRow(key, after));
  }

  @Test
  void shouldWriteTheSameChunkBytesForTheSameRowsAndReadThemBack() {
    List<byte[]> rows = new ArrayList<>();
    for (long id = 0; id < 500; id++) {
      rows.add(row(id, id % 7 == 0 ? null : "n" + id));
    }

    byte[] chunk = SnapshotChunks.write("shop", "public.orders", 1050, rows);
    List<SnapshotRow> read = SnapshotChunks.read(chunk, "k", "shop", "public.orders", 1050);

    assertThat(SnapshotChunks.write("shop", "public.orders", 1050, rows)).isEqualTo(chunk);
    assertThat(read).hasSize(500);
    assertThat(read.get(7).getKey()).containsEntry("id", 7L);
    assertThat(read.get(7).getAfter()).containsEntry("note", null);
    assertThat(read.get(8).getAfter()).containsEntry("note", "n8");
    assertThatThrownBy(() -> SnapshotChunks.read(chunk, "k", "shop", "public.items", 1050))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("declares walstream.table 'public.orders'");
    assertThatThrownBy(() -> SnapshotChunks.read(chunk, "k", "shop", "public.orders", 1051))
        .hasMessageContaining("walstream.snapshot.lsn");
    byte[] cut = java.util.Arrays.copyOf(chunk, chunk.length / 2);
    assertThatThrownBy(() -> SnapshotChunks.read(cut, "k", "shop", "public.orders", 1050))
        .isInstanceOf(IntegrityException.class)
        .hasMessageStartingWith("Cannot read snapshot chunk k");
  }
}
