package io.walstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.CatalogCodec;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestCodec;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.serde.WalstreamSerdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated bytes fed to every decoder that reads untrusted input: change records (what
 * producers send), manifests and segments (what the archive holds), restore commands (what
 * requesters send). Each must either decode or fail with its one typed error; never another
 * exception, never a hang. The number of inputs tried goes into the reliability report.
 */
class FuzzTest {
  private static final AtomicLong RECORDS = new AtomicLong();
  private static final AtomicLong MANIFESTS = new AtomicLong();
  private static final AtomicLong SEGMENTS = new AtomicLong();
  private static final AtomicLong COMMANDS = new AtomicLong();
  private static final AtomicLong CATALOG = new AtomicLong();
  private static final AtomicLong SNAPSHOTS = new AtomicLong();
  private static final int TRIES = 1000;

  private static final StreamId STREAM = new StreamId("fuzz", "changes", 0);
  private static final byte[] RECORD =
      WalstreamSerdes.changeRecord().codec().encode(Records.transactions("fuzz", 1, 1, 1).get(0));
  private static final byte[] COMMAND =
      WalstreamSerdes.restoreCommand()
          .codec()
          .encode(
              RestoreCommand.newBuilder()
                  .setCommandId("c")
                  .setType(CommandType.VERIFY)
                  .setDryRun(false)
                  .setRequestedAt(Instant.parse("2026-11-22T00:00:00Z"))
                  .build());
  private static final byte[] MANIFEST;
  private static final byte[] SEGMENT;
  private static final byte[] CATALOG_ENTRY;
  private static final io.walstream.archive.format.Snapshot SNAPSHOT;
  private static final byte[] SNAPSHOT_MANIFEST;
  private static final byte[] SNAPSHOT_CHUNK;
  private static final String RETENTION_KEY;
  private static final byte[] RETENTION_RECORD;
  private static final byte[] LEASE;

  static {
    InMemoryObjectStore store = new InMemoryObjectStore();
    ArchiveWriter writer = new ArchiveWriter(store, "fuzz");
    List<ChangeRecord> records = Records.transactions("fuzz", 1, 40, 3);
    CommitResult.Committed c =
        (CommitResult.Committed) writer.commit(writer.loadHead(STREAM), Records.batch(records, 0));
    StoredManifest stored =
        new io.walstream.archive.read.ArchiveReader(store).readManifest(STREAM, 0).orElseThrow();
    MANIFEST = store.readAll(ArchiveLayout.manifestKey(STREAM, 0)).orElseThrow();
    SEGMENT = store.readAll(((Manifest.Segment) stored.manifest()).segment().key()).orElseThrow();
    CATALOG_ENTRY = store.readAll(ArchiveLayout.catalogKey("fuzz", 0)).orElseThrow();
    assertThat(c.head().seq()).isZero();
    try {
      SNAPSHOT =
          new io.walstream.restorer.snapshot.SnapshotBuilder(store, "fuzz")
              .build(
                  "fuzz",
                  new io.walstream.restorer.plan.RestoreTarget.Latest(),
                  io.walstream.restorer.plan.GapPolicy.REFUSE,
                  java.nio.file.Files.createTempDirectory("fuzz-snapshot"))
              .snapshot()
              .snapshot();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SNAPSHOT_MANIFEST = store.readAll(SNAPSHOT.key()).orElseThrow();
    SNAPSHOT_CHUNK = store.readAll(SNAPSHOT.chunks().get(0).key()).orElseThrow();
    var position = SNAPSHOT.streams().get(0);
    io.walstream.archive.format.Retention retention =
        new io.walstream.archive.format.Retention(
            "fuzz",
            new io.walstream.archive.format.Retention.SnapshotRef(
                SNAPSHOT.key(),
                SNAPSHOT.lsn(),
                io.walstream.archive.format.Sha256.hex(SNAPSHOT_MANIFEST),
                SNAPSHOT.commitTime(),
                SNAPSHOT.maxCommitTime()),
            List.of(
                new io.walstream.archive.format.Retention.StreamFloor(
                    position.topic(),
                    position.partition(),
                    position.seq(),
                    position.manifestSha256(),
                    position.last(),
                    39)),
            "0.1.0",
            "fuzz");
    RETENTION_KEY = retention.key();
    RETENTION_RECORD = io.walstream.archive.format.RetentionCodec.encode(retention);
    LEASE =
        io.walstream.archive.format.RetentionCodec.encode(
            new io.walstream.archive.format.Lease("fuzz", "restore-1", "restore", RETENTION_KEY));
  }

  @Provide
  Arbitrary<byte[]> retentionRecords() {
    return around(RETENTION_RECORD);
  }

  @Provide
  Arbitrary<byte[]> leases() {
    return around(LEASE);
  }

  @Property(tries = TRIES)
  void shouldDecodeOrRaiseAFormatErrorWhenGivenAnyRetentionRecordBytes(
      @ForAll("retentionRecords") byte[] bytes) {
    SNAPSHOTS.incrementAndGet();
    try {
      assertThat(io.walstream.archive.format.RetentionCodec.decode(bytes, RETENTION_KEY).database())
          .isEqualTo("fuzz");
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains(RETENTION_KEY);
    }
  }

  @Property(tries = TRIES)
  void shouldDecodeOrRaiseAFormatErrorWhenGivenAnyLeaseBytes(@ForAll("leases") byte[] bytes) {
    SNAPSHOTS.incrementAndGet();
    try {
      assertThat(io.walstream.archive.format.RetentionCodec.decodeLease(bytes, "fuzz/l").holder())
          .isNotNull();
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains("fuzz/l");
    }
  }

  /** Random bytes, and the valid encoding with bytes flipped, cut, or inserted. */
  static Arbitrary<byte[]> around(byte[] valid) {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(2 * valid.length);
    Arbitrary<byte[]> flipped =
        Combinators.combine(
                Arbitraries.integers().between(0, valid.length - 1),
                Arbitraries.integers().between(1, 255))
            .as(
                (at, mask) -> {
                  byte[] b = valid.clone();
                  b[at] ^= mask.byteValue();
                  return b;
                });
    Arbitrary<byte[]> cut =
        Arbitraries.integers()
            .between(0, valid.length - 1)
            .map(n -> java.util.Arrays.copyOf(valid, n));
    Arbitrary<byte[]> inserted =
        Combinators.combine(Arbitraries.integers().between(0, valid.length), Arbitraries.bytes())
            .as(
                (at, x) -> {
                  byte[] b = new byte[valid.length + 1];
                  System.arraycopy(valid, 0, b, 0, at);
                  b[at] = x;
                  System.arraycopy(valid, at, b, at + 1, valid.length - at);
                  return b;
                });
    return Arbitraries.oneOf(random, flipped, cut, inserted);
  }

  @Provide
  Arbitrary<byte[]> records() {
    return around(RECORD);
  }

  @Provide
  Arbitrary<byte[]> manifests() {
    return around(MANIFEST);
  }

  @Provide
  Arbitrary<byte[]> segments() {
    return around(SEGMENT);
  }

  @Provide
  Arbitrary<byte[]> commands() {
    return around(COMMAND);
  }

  @Property(tries = TRIES)
  void shouldDecodeOrRaiseDecodeExceptionWhenGivenAnyChangeRecordBytes(
      @ForAll("records") byte[] bytes) {
    RECORDS.incrementAndGet();
    try {
      WalstreamSerdes.changeRecord().codec().decode(bytes);
    } catch (DecodeException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = TRIES)
  void shouldDecodeOrRaiseAFormatErrorWhenGivenAnyManifestBytes(@ForAll("manifests") byte[] bytes) {
    MANIFESTS.incrementAndGet();
    String key = ArchiveLayout.manifestKey(STREAM, 0);
    try {
      ManifestCodec.decode(bytes, key);
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains(key);
    }
  }

  @Property(tries = TRIES)
  void shouldReadOrRaiseAFormatErrorWhenGivenAnySegmentBytes(@ForAll("segments") byte[] bytes) {
    SEGMENTS.incrementAndGet();
    try (SegmentReader reader = SegmentReader.open(bytes, "fuzz/segment")) {
      reader.forEachRemaining(r -> assertThat(r).isNotNull());
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains("fuzz/segment");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<byte[]> catalogEntries() {
    return around(CATALOG_ENTRY);
  }

  @Property(tries = TRIES)
  void shouldDecodeOrRaiseAFormatErrorWhenGivenAnyCatalogEntryBytes(
      @ForAll("catalogEntries") byte[] bytes) {
    catalogEntry(bytes);
  }

  private static void catalogEntry(byte[] bytes) {
    CATALOG.incrementAndGet();
    String key = ArchiveLayout.catalogKey("fuzz", 0);
    try {
      // Any entry that decodes is valid JSON of the format; its place is checked by the verifier.
      assertThat(CatalogCodec.decode(bytes, key).stream()).isNotNull();
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains(key);
    }
  }

  /**
   * More inputs per decoder drawn in a loop: 2 000 in every run, and under {@code
   * -Dwalstream.soak=N} (N > 1) at least 10^5 (the properties above try {@value #TRIES} each).
   */
  @Test
  void shouldDecodeOrRaiseItsTypedErrorForManyMoreInputsPerDecoder() {
    int soak = Integer.getInteger("walstream.soak", 1);
    long inputs = soak > 1 ? 100_000L * Math.max(1, soak / 10) : 2_000L;
    around(MANIFEST)
        .sampleStream()
        .limit(inputs)
        .forEach(this::shouldDecodeOrRaiseAFormatErrorWhenGivenAnyManifestBytes);
    around(SEGMENT)
        .sampleStream()
        .limit(inputs)
        .forEach(this::shouldReadOrRaiseAFormatErrorWhenGivenAnySegmentBytes);
    around(RECORD)
        .sampleStream()
        .limit(inputs)
        .forEach(this::shouldDecodeOrRaiseDecodeExceptionWhenGivenAnyChangeRecordBytes);
    around(COMMAND)
        .sampleStream()
        .limit(inputs)
        .forEach(this::shouldDecodeOrRaiseDecodeExceptionWhenGivenAnyCommandBytes);
    around(CATALOG_ENTRY).sampleStream().limit(inputs).forEach(FuzzTest::catalogEntry);
    around(SNAPSHOT_MANIFEST)
        .sampleStream()
        .limit(inputs)
        .forEach(this::shouldDecodeOrRaiseAFormatErrorWhenGivenAnySnapshotManifestBytes);
    around(SNAPSHOT_CHUNK)
        .sampleStream()
        .limit(inputs)
        .forEach(this::shouldReadOrRaiseAFormatErrorWhenGivenAnySnapshotChunkBytes);
    around(RETENTION_RECORD)
        .sampleStream()
        .limit(inputs)
        .forEach(this::shouldDecodeOrRaiseAFormatErrorWhenGivenAnyRetentionRecordBytes);
    around(LEASE)
        .sampleStream()
        .limit(inputs)
        .forEach(this::shouldDecodeOrRaiseAFormatErrorWhenGivenAnyLeaseBytes);
    assertThat(CATALOG.get()).isGreaterThanOrEqualTo(inputs);
  }

  @Provide
  Arbitrary<byte[]> snapshotManifests() {
    return around(SNAPSHOT_MANIFEST);
  }

  @Provide
  Arbitrary<byte[]> snapshotChunks() {
    return around(SNAPSHOT_CHUNK);
  }

  @Property(tries = TRIES)
  void shouldDecodeOrRaiseAFormatErrorWhenGivenAnySnapshotManifestBytes(
      @ForAll("snapshotManifests") byte[] bytes) {
    SNAPSHOTS.incrementAndGet();
    try {
      assertThat(io.walstream.archive.format.SnapshotCodec.decode(bytes, "fuzz/s").database())
          .isNotNull();
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains("fuzz/s");
    }
  }

  @Property(tries = TRIES)
  void shouldReadOrRaiseAFormatErrorWhenGivenAnySnapshotChunkBytes(
      @ForAll("snapshotChunks") byte[] bytes) {
    SNAPSHOTS.incrementAndGet();
    var chunk = SNAPSHOT.chunks().get(0);
    try {
      io.walstream.archive.format.SnapshotChunks.read(
              bytes, "fuzz/c", "fuzz", chunk.table(), SNAPSHOT.lsn())
          .forEach(row -> assertThat(row.getKey()).isNotNull());
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains("fuzz/c");
    }
  }

  @Property(tries = TRIES)
  void shouldDecodeOrRaiseDecodeExceptionWhenGivenAnyCommandBytes(
      @ForAll("commands") byte[] bytes) {
    COMMANDS.incrementAndGet();
    try {
      RestoreCommand c = WalstreamSerdes.restoreCommand().codec().decode(bytes);
      assertThat(c.getCommandId()).isNotNull();
    } catch (DecodeException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  private static long total() {
    return RECORDS.get()
        + MANIFESTS.get()
        + SEGMENTS.get()
        + COMMANDS.get()
        + CATALOG.get()
        + SNAPSHOTS.get();
  }

  @AfterContainer
  static void report() {
    Report.row(
        "fuzzed decoders (change records, manifests, segments, restore commands, catalog entries,"
            + " snapshot manifests, snapshot chunks, retention records, leases)",
        9,
        "random, flipped, cut and extended bytes",
        total(),
        0,
        0,
        "typed error or valid decode: " + (total()) + " / " + (total()));
  }
}
