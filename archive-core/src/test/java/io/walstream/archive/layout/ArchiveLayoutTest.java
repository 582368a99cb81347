package io.walstream.archive.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.store.ObjectKeys;
import io.walstream.schemas.testing.ChangeRecordArbitraries;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchiveLayoutTest {
  private static final String SHA = "ab".repeat(32);
  private final StreamId stream = new StreamId("shop", "walstream.changes", 3);

  @Test
  void shouldBuildTheDocumentedKeys() {
    assertThat(ArchiveLayout.manifestKey(stream, 0x1f))
        .isEqualTo("shop/wal/walstream.changes/00000003/000000000000001f.manifest.json");
    assertThat(ArchiveLayout.segmentKey(stream, 0x1f, SHA))
        .isEqualTo("shop/wal/walstream.changes/00000003/000000000000001f-" + SHA + ".seg");
    assertThat(ArchiveLayout.streamIndexKey(stream))
        .isEqualTo("shop/streams/walstream.changes/00000003");
    assertThat(ArchiveLayout.partitionIndexKey(stream))
        .isEqualTo("_partitions/walstream.changes/00000003/shop");
  }

  @Test
  void shouldBuildAndParseSnapshotKeysThatSortByLsn() {
    String snapshot = ArchiveLayout.snapshotKey("my db", 0x2a);
    String chunk = ArchiveLayout.snapshotChunkKey("my db", SHA);
    List<String> keys = new ArrayList<>();
    for (long lsn : new long[] {0, 9, 10, 255, 256, Long.MAX_VALUE}) {
      keys.add(ArchiveLayout.snapshotKey("shop", lsn));
    }
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(String::compareTo);

    assertThat(snapshot).isEqualTo("my%20db/snapshots/000000000000002a.snapshot.json");
    assertThat(chunk).isEqualTo("my%20db/snapshot-chunks/" + SHA + ".chunk");
    assertThat(ArchiveLayout.parse(snapshot)).contains(new ArchiveKey.Snapshot("my db", 0x2a));
    assertThat(ArchiveLayout.parse(chunk)).contains(new ArchiveKey.SnapshotChunk("my db", SHA));
    assertThat(sorted).containsExactlyElementsOf(keys);
    assertThat(snapshot).startsWith(ArchiveLayout.snapshotPrefix("my db"));
    assertThat(chunk).startsWith(ArchiveLayout.snapshotChunkPrefix("my db"));
    assertThatThrownBy(() -> ArchiveLayout.snapshotKey("shop", -1))
        .hasMessageContaining("negative lsn -1");
    assertThatThrownBy(() -> ArchiveLayout.snapshotChunkKey("shop", "abc"))
        .hasMessageContaining("bad sha256 abc");
    assertThat(ArchiveLayout.parse("shop/snapshots/2a.snapshot.json")).isEmpty();
  }

  @Test
  void shouldBuildAndParseRetentionAndLeaseKeys() {
    String record = ArchiveLayout.retentionKey("my db", 0x6d);
    String lease = ArchiveLayout.leaseKey("my db", "restore-1a2b", 0x5f0e1d2c3b4aL);

    assertThat(record).isEqualTo("my%20db/retention/000000000000006d.retention.json");
    assertThat(lease).isEqualTo("my%20db/leases/restore-1a2b-00005f0e1d2c3b4a.lease.json");
    assertThat(ArchiveLayout.parse(record)).contains(new ArchiveKey.Retention("my db", 0x6d));
    assertThat(ArchiveLayout.parse(lease))
        .contains(new ArchiveKey.Lease("my db", "restore-1a2b", 0x5f0e1d2c3b4aL));
    assertThat(ArchiveLayout.retentionKey("shop", 9))
        .as("later floors sort later")
        .isLessThan(ArchiveLayout.retentionKey("shop", 10));
    assertThat(ArchiveLayout.parse("shop/retention/6d.retention.json")).isEmpty();
    assertThat(ArchiveLayout.parse("shop/leases/x.lease.json")).isEmpty();
    assertThatThrownBy(() -> ArchiveLayout.retentionKey("shop", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ArchiveLayout.leaseKey("shop", "", 1)).hasMessageContaining("holder");
  }

  @Test
  void shouldSortKeysInChainOrderWhenListed() {
    List<String> keys = new ArrayList<>();
    for (long seq : new long[] {0, 9, 10, 15, 16, 255, 256, 4096}) {
      keys.add(ArchiveLayout.segmentKey(stream, seq, SHA));
      keys.add(ArchiveLayout.manifestKey(stream, seq));
    }
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(String::compareTo);

    assertThat(sorted).containsExactlyElementsOf(keys);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "dot-dot|..|%2E.",
        "dot|.|%2E",
        "slash|a/b|a%2Fb",
        "encoded slash|%2F|%252F",
        "backslash|a\\b|a%5Cb",
        "fullwidth solidus|a／b|a%EF%BC%8Fb",
        "underscore prefix|_partitions|%5Fpartitions",
        "space|my db|my%20db",
        "hidden|.hidden|%2Ehidden",
      })
  void shouldEncodeNamesSoThatNoneEscapesItsPrefix(String scenario, String name, String encoded) {
    assertThat(Names.encode("database", name)).isEqualTo(encoded);
    String key = ArchiveLayout.manifestKey(new StreamId(name, "t", 0), 1);

    assertThat(key).startsWith(encoded + "/wal/t/00000000/");
    assertThat(key.split("/")).hasSize(5);
    assertThat(ObjectKeys.requireValid(key)).isEqualTo(key);
    assertThat(ArchiveLayout.parse(key))
        .contains(new ArchiveKey.Manifest(new StreamId(name, "t", 0), 1));
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> invalidNames() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("empty", "", "empty"),
        org.junit.jupiter.params.provider.Arguments.of(
            "NUL", "a\u0000b", "control character U+0000"),
        org.junit.jupiter.params.provider.Arguments.of(
            "newline", "a\nb", "control character U+000A"));
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("invalidNames")
  void shouldRejectInvalidNames(String scenario, String name, String problem) {
    assertThatThrownBy(() -> new StreamId(name, "t", 0))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageStartingWith("Cannot use database name")
        .hasMessageContaining(problem);
  }

  @Test
  void shouldRejectVeryLongNames() {
    assertThatThrownBy(() -> Names.encode("topic", "x".repeat(250)))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("longer than 249");
    assertThatThrownBy(() -> Names.encode("database", "日".repeat(120)))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("encodes to more than 255");
  }

  @Test
  void shouldAcceptNamesEncodingToExactlyTheLimitAndRefuseOneMore() {
    // 'é' encodes to %C3%A9: 42 of them are 252 key characters.
    String atLimit = "é".repeat(42) + "abc";
    String overLimit = "é".repeat(42) + "abcd";

    assertThat(Names.encode("database", atLimit)).hasSize(Names.MAX_ENCODED_LENGTH);
    assertThatThrownBy(() -> Names.encode("database", overLimit))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("encodes to more than 255 key characters");
    assertThat(Names.encode("database", "d".repeat(249))).hasSize(249);
  }

  @Test
  void shouldKeepTheLongestKeysWithinEveryStoresLimits() {
    // Kafka topic names are at most 249 characters of [a-zA-Z0-9._-]; a leading '_' or '.'
    // encodes to three characters.
    String topic = "_" + "t".repeat(248);
    String database = "é".repeat(42) + "abc";
    StreamId stream = new StreamId(database, topic, Integer.MAX_VALUE);
    List<String> keys =
        List.of(
            ArchiveLayout.manifestKey(stream, Long.MAX_VALUE),
            ArchiveLayout.segmentKey(stream, Long.MAX_VALUE, "f".repeat(64)),
            ArchiveLayout.streamIndexKey(stream),
            ArchiveLayout.partitionIndexKey(stream));

    for (String key : keys) {
      assertThat(key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
          .as(key)
          .isLessThanOrEqualTo(1024);
      for (String component : key.split("/")) {
        assertThat(component.length()).as("a component of %s", key).isLessThanOrEqualTo(255);
      }
    }
  }

  @Test
  void shouldRejectLoneSurrogates() {
    assertThatThrownBy(() -> Names.encode("database", "a\uD800b"))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("lone surrogate");
  }

  @Property(tries = 500)
  void shouldRoundTripEveryValidNameWhenEncodedAndParsed(
      @ForAll("names") String database,
      @ForAll("names") String topic,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int partition,
      @ForAll @LongRange(min = 0) long seq) {
    StreamId id = new StreamId(database, topic, partition);

    String manifest = ArchiveLayout.manifestKey(id, seq);
    String segment = ArchiveLayout.segmentKey(id, seq, SHA);

    assertThat(ObjectKeys.requireValid(manifest)).startsWith(ArchiveLayout.streamPrefix(id));
    assertThat(ArchiveLayout.parse(manifest)).contains(new ArchiveKey.Manifest(id, seq));
    assertThat(ArchiveLayout.parse(segment)).contains(new ArchiveKey.Segment(id, seq, SHA));
    assertThat(ArchiveLayout.parse(ArchiveLayout.streamIndexKey(id)))
        .contains(new ArchiveKey.StreamIndex(id));
    assertThat(ArchiveLayout.parse(ArchiveLayout.partitionIndexKey(id)))
        .contains(new ArchiveKey.PartitionIndex(id));
  }

  @Provide
  Arbitrary<String> names() {
    return ChangeRecordArbitraries.identifiers().filter(n -> Names.problem(n) == null);
  }

  @Property(tries = 300)
  void shouldNeverMapTwoNamesToOneKey(@ForAll("names") String a, @ForAll("names") String b) {
    if (!a.equals(b)) {
      assertThat(Names.encode("database", a)).isNotEqualTo(Names.encode("database", b));
    }
  }

  @Test
  void shouldNotParseKeysTheArchiveDoesNotWrite() {
    assertThat(ArchiveLayout.parse("shop/wal/t/00000001/xyz.manifest.json")).isEmpty();
    assertThat(ArchiveLayout.parse("shop/wal/t/00000001/0000000000000001-abc.seg")).isEmpty();
    assertThat(ArchiveLayout.parse("sh%2Gop/streams/t/00000001")).isEmpty();
    assertThat(ArchiveLayout.parse("random/object")).isEmpty();
  }
}
