package io.walstream.archive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class RetentionCodecTest {
  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "b".repeat(64);

  /** A retention record of "shop" (floor seq 2 of walstream.changes-0), for other tests. */
  public static Retention record() {
    return new Retention(
        "shop",
        new Retention.SnapshotRef(
            ArchiveLayout.snapshotKey("shop", 109),
            109,
            SHA_A,
            1_795_255_260_000_000L,
            1_795_255_260_000_002L),
        List.of(
            new Retention.StreamFloor("walstream.changes", 0, 2, SHA_B, new Position(108, 1), 8)),
        "0.1.0",
        "retention-1");
  }

  private static String json() {
    return new String(RetentionCodec.encode(record()), StandardCharsets.UTF_8);
  }

  @Test
  void shouldEncodeCanonicalJsonInTheDocumentedFieldOrderAndReadItBack() {
    assertThat(json())
        .isEqualTo(
            "{\"formatVersion\":1,\"database\":\"shop\",\"snapshot\":{\"key\":"
                + "\"shop/snapshots/000000000000006d.snapshot.json\",\"lsn\":109,\"sha256\":\""
                + SHA_A
                + "\",\"commitTime\":\"2026-11-21T10:01:00.000000Z\","
                + "\"maxCommitTime\":\"2026-11-21T10:01:00.000002Z\"},"
                + "\"streams\":[{\"topic\":\"walstream.changes\",\"partition\":0,\"seq\":2,"
                + "\"manifestSha256\":\""
                + SHA_B
                + "\",\"lastLsn\":108,\"lastTxIndex\":1,\"lastSourceOffset\":8}],"
                + "\"writerVersion\":\"0.1.0\",\"writerId\":\"retention-1\"}");
    Retention decoded =
        RetentionCodec.decode(json().getBytes(StandardCharsets.UTF_8), record().key());
    assertThat(decoded).isEqualTo(record());
    assertThat(decoded.firstSeq(new StreamId("shop", "walstream.changes", 0))).isEqualTo(2);
    assertThat(decoded.firstSeq(new StreamId("shop", "other", 0))).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "extra whitespace|\"database\":\"shop\"|\"database\": \"shop\"|not in canonical form",
        "unknown field|\"writerId\"|\"extra\":1,\"writerId\"|unknown field 'extra'",
        "control character in the database|\"database\":\"shop\"|\"database\":\"s\u007fhop\"|control character U+007F",
        "negative seq|\"seq\":2|\"seq\":-2|bad seq, hash or offset",
        "short hash|\"manifestSha256\":\"bbbb|\"manifestSha256\":\"bb|retention floor of walstream.changes-0",
        "snapshot key of another lsn|000000000000006d.snapshot|000000000000006e.snapshot|not the"
            + " key of its lsn",
      })
  void shouldRefuseARecordThatDeviatesFromTheFormatNamingWhat(
      String scenario, String from, String to, String message) {
    byte[] bytes =
        json()
            .replaceFirst(java.util.regex.Pattern.quote(from), to)
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> RetentionCodec.decode(bytes, record().key()))
        .as(scenario)
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining(record().key())
        .hasMessageContaining(message);
  }

  @Test
  void shouldRefuseARecordStoredAtAnotherFloorsKeyOrOfAnotherVersion() {
    byte[] bytes = RetentionCodec.encode(record());
    String elsewhere = ArchiveLayout.retentionKey("shop", 110);

    assertThatThrownBy(() -> RetentionCodec.decode(bytes, elsewhere))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("not this key's");
    byte[] future =
        json()
            .replace("\"formatVersion\":1", "\"formatVersion\":2")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> RetentionCodec.decode(future, record().key()))
        .isInstanceOf(UnknownFormatException.class)
        .hasMessageContaining("unknown formatVersion 2");
  }

  @Test
  void shouldRoundTripALeaseWithAndWithoutTheRecordItSaw() {
    Lease saw = new Lease("shop", "restore-1", "restore", record().key());
    Lease none = new Lease("shop", "restore-2", "snapshot", null);

    assertThat(RetentionCodec.decodeLease(RetentionCodec.encode(saw), "k")).isEqualTo(saw);
    assertThat(RetentionCodec.decodeLease(RetentionCodec.encode(none), "k")).isEqualTo(none);
    assertThat(new String(RetentionCodec.encode(none), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"formatVersion\":1,\"database\":\"shop\",\"holder\":\"restore-2\","
                + "\"purpose\":\"snapshot\",\"retentionKey\":null}");
    assertThatThrownBy(() -> RetentionCodec.decodeLease("{}".getBytes(StandardCharsets.UTF_8), "k"))
        .isInstanceOf(UnknownFormatException.class);
  }

  @Test
  void shouldTellRecordsThatExpireTheSameApartFromWhoWroteThem() {
    Retention a = record();
    Retention b = new Retention(a.database(), a.snapshot(), a.streams(), "0.2.0", "retention-2");
    Retention c =
        new Retention(
            a.database(),
            a.snapshot(),
            List.of(
                new Retention.StreamFloor(
                    "walstream.changes", 0, 1, SHA_B, new Position(108, 1), 8)),
            "0.1.0",
            "retention-1");

    assertThat(a.sameExpiry(b)).isTrue();
    assertThat(a.sameExpiry(c)).isFalse();
  }
}
