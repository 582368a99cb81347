package io.walstream.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.KeyUnavailableException;
import io.walstream.archive.format.EnvelopeHeader;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestCodec;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.ManifestEdits;
import io.walstream.archive.testing.Records;
import io.walstream.archive.verify.ArchiveReport;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.schemas.avro.ChangeRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments written by the real writer with encryption on, read back by the real readers and the
 * verifier, and every way a missing key or a disagreeing declaration is refused, never guessed.
 */
class EncryptedArchiveTest {
  private static final StreamId STREAM = new StreamId("shop", "walstream.changes", 0);
  private static final int SEGMENTS = 4;

  @TempDir Path dir;
  private Path root;
  private FileSystemObjectStore store;
  private LocalKek kek;
  private List<CommitResult.Committed> committed;

  @BeforeEach
  void archive() {
    root = dir.resolve("archive");
    store = new FileSystemObjectStore(root);
    kek = LocalKek.create(dir.resolve("kek.json"));
    new ArchiveKeysets(store).init(kek);
    committed = write(store, Keyring.open(store, kek), SEGMENTS);
  }

  private static List<CommitResult.Committed> write(
      FileSystemObjectStore store, Keyring keys, int segments) {
    return Records.archive(new ArchiveWriter(store, "test", 3, keys), STREAM, 1, segments, 5, 3);
  }

  @Test
  void shouldVerifyEverythingButRecordsWithoutKekAndRecordsTooWithIt() {
    ArchiveReport withoutKek = new ChainVerifier(store).verifyAll();
    ArchiveReport withKek = new ChainVerifier(store, Keyring.open(store, kek)).verifyAll();

    long keyId = Keyring.open(store, kek).primaryKeyId();
    assertThat(withoutKek.clean()).isTrue();
    assertThat(withoutKek.undecodedSegments()).isEqualTo(SEGMENTS);
    assertThat(withoutKek.keyIds()).containsExactly(java.util.Map.entry(keyId, (long) SEGMENTS));
    assertThat(withKek.clean()).isTrue();
    assertThat(withKek.undecodedSegments()).isZero();
    assertThat(withKek.records()).isEqualTo(SEGMENTS * 5 * 3);
    assertThat(withKek.keyIds()).isEqualTo(withoutKek.keyIds());
  }

  @Test
  void shouldReadBackTheRecordsWrittenWhenGivenTheKek() throws IOException {
    Keyring keys = Keyring.open(store, kek);
    List<ChangeRecord> read = new ArrayList<>();
    for (CommitResult.Committed c : committed) {
      Manifest.Segment m = (Manifest.Segment) c.manifest();
      byte[] bytes = store.readAll(m.segment().key()).orElseThrow();
      try (SegmentReader reader = SegmentReader.open(bytes, m, keys)) {
        reader.forEachRemaining(read::add);
      }
    }
    assertThat(read).isEqualTo(Records.transactions("shop", 1, SEGMENTS * 5, 3));
  }

  @Test
  void shouldHoldNoneOfThePlaintextTwinsStringsWhenEncrypted() throws IOException {
    FileSystemObjectStore twin = new FileSystemObjectStore(dir.resolve("twin"));
    List<CommitResult.Committed> plain = write(twin, Keyring.none(), SEGMENTS);
    Set<String> strings = new HashSet<>();
    for (CommitResult.Committed c : plain) {
      strings.addAll(printableRuns(segmentBytes(twin, c)));
    }
    assertThat(strings)
        .anyMatch(s -> s.contains("walstream.database"))
        .anyMatch(s -> s.contains("ChangeRecord"));

    for (CommitResult.Committed c : committed) {
      String stored = new String(segmentBytes(store, c), StandardCharsets.ISO_8859_1);
      assertThat(strings).noneMatch(stored::contains);
    }
  }

  @Test
  void shouldRefuseEncryptedSegmentNamingKeyAndObjectWhenNoKekIsGiven() {
    Manifest.Segment m = (Manifest.Segment) committed.get(1).manifest();
    byte[] bytes = store.readAll(m.segment().key()).orElseThrow();

    assertThatThrownBy(() -> SegmentReader.open(bytes, m, Keyring.none()))
        .isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining(m.segment().key())
        .hasMessageContaining("data key " + m.segment().encryption().keyId())
        .hasMessageContaining("--kek");
  }

  @Test
  void shouldReportMissingKeyWhenTheKeysetLacksTheSegmentsKey() throws IOException {
    // The keyset is replaced by a new one (another data key): the old segments' key is gone.
    deleteTree(root.resolve(ArchiveLayout.KEYS));
    new ArchiveKeysets(store).init(kek);
    Keyring keys = Keyring.open(store, kek);
    Manifest.Segment m = (Manifest.Segment) committed.get(0).manifest();

    ArchiveReport report = new ChainVerifier(store, keys).verifyAll();

    assertThat(report.errors())
        .hasSize(SEGMENTS)
        .allMatch(f -> f.kind() == Finding.Kind.MISSING_KEY)
        .allMatch(f -> f.detail().contains("data key " + m.segment().encryption().keyId()));
    assertThatThrownBy(
            () -> SegmentReader.open(store.readAll(m.segment().key()).orElseThrow(), m, keys))
        .isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("does not hold");
  }

  @Test
  void shouldFindMismatchWhenManifestDeclaresPlaintextForAnEncryptedSegment() throws IOException {
    Manifest.Segment last = lastManifest();
    replaceLastManifest(ManifestEdits.withEncryption(last, null));

    assertMismatchEitherWay("declares it plaintext");
  }

  @Test
  void shouldFindMismatchWhenManifestDeclaresAnotherKey() throws IOException {
    Manifest.Segment last = lastManifest();
    long other = (last.segment().encryption().keyId() + 1) & 0xFFFF_FFFFL;
    replaceLastManifest(
        ManifestEdits.withEncryption(last, new Manifest.Encryption(EnvelopeHeader.SCHEME, other)));

    assertMismatchEitherWay("declares key " + other);
  }

  @Test
  void shouldFindMismatchWhenManifestDeclaresEncryptionForAPlaintextSegment() throws IOException {
    FileSystemObjectStore twin = new FileSystemObjectStore(dir.resolve("twin"));
    List<CommitResult.Committed> plain = write(twin, Keyring.none(), 2);
    Manifest.Segment last = (Manifest.Segment) plain.get(1).manifest();
    Manifest.Segment forged =
        ManifestEdits.withEncryption(last, new Manifest.Encryption(EnvelopeHeader.SCHEME, 7));
    writeManifest(dir.resolve("twin"), forged);

    ArchiveReport report = new ChainVerifier(twin).verifyAll();

    assertThat(report.errors())
        .singleElement()
        .satisfies(f -> assertThat(f.kind()).isEqualTo(Finding.Kind.SEGMENT_MANIFEST_MISMATCH))
        .satisfies(f -> assertThat(f.detail()).contains("but it is plaintext"));
    assertThatThrownBy(
            () ->
                SegmentReader.open(
                    twin.readAll(last.segment().key()).orElseThrow(), forged, Keyring.none()))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("but it is plaintext");
  }

  @Test
  void shouldFailAuthenticationWhenCiphertextIsCopiedToAnotherSeq() throws IOException {
    // seq 1's ciphertext, re-hashed into the last manifest: every hash agrees, the place does not.
    Manifest.Segment donor = (Manifest.Segment) committed.get(1).manifest();
    byte[] moved = store.readAll(donor.segment().key()).orElseThrow();
    Manifest.Segment last = lastManifest();
    String key = ArchiveLayout.segmentKey(STREAM, last.seq(), Sha256.hex(moved));
    Files.write(root.resolve(key), moved);
    replaceLastManifest(ManifestEdits.withSegment(last, key, moved.length, Sha256.hex(moved)));

    ArchiveReport without = new ChainVerifier(store).verifyAll();
    ArchiveReport with = new ChainVerifier(store, Keyring.open(store, kek)).verifyAll();

    assertThat(without.errors()).isEmpty();
    assertThat(with.errors())
        .singleElement()
        .satisfies(f -> assertThat(f.kind()).isEqualTo(Finding.Kind.MALFORMED_SEGMENT))
        .satisfies(f -> assertThat(f.key()).isEqualTo(key))
        .satisfies(f -> assertThat(f.detail()).contains("fails authentication"));
  }

  @Test
  void shouldFailHashThenAuthenticationWhenAByteIsFlipped() throws IOException {
    Manifest.Segment last = lastManifest();
    byte[] bytes = store.readAll(last.segment().key()).orElseThrow();
    bytes[bytes.length / 2] ^= 0x01;
    Path file = root.resolve(last.segment().key());
    Files.delete(file);
    Files.write(file, bytes);
    Keyring keys = Keyring.open(store, kek);

    assertThat(new ChainVerifier(store, keys).verifyAll().errors())
        .extracting(Finding::kind)
        .containsExactly(Finding.Kind.SEGMENT_HASH_MISMATCH);
    // Re-hashed into the manifest, the flip is still caught: by authentication.
    String key = ArchiveLayout.segmentKey(STREAM, last.seq(), Sha256.hex(bytes));
    Files.write(root.resolve(key), bytes);
    replaceLastManifest(ManifestEdits.withSegment(last, key, bytes.length, Sha256.hex(bytes)));
    assertThat(new ChainVerifier(store, keys).verifyAll().errors())
        .singleElement()
        .satisfies(f -> assertThat(f.detail()).contains("fails authentication"));
  }

  @Test
  void shouldRestoreAcrossKeysWhenRotatedMidStreamWithoutRestartingTheWriter() {
    FileSystemObjectStore other = new FileSystemObjectStore(dir.resolve("rotated"));
    new ArchiveKeysets(other).init(kek);
    Keyring writerKeys = Keyring.open(other, kek);
    ArchiveWriter writer = new ArchiveWriter(other, "test", 3, writerKeys);
    List<CommitResult.Committed> before = Records.archive(writer, STREAM, 1, 2, 5, 3);
    long firstKey = writerKeys.primaryKeyId();

    long secondKey = new ArchiveKeysets(other).rotate(kek).primaryKeyId();
    CommitResult.Committed after =
        (CommitResult.Committed)
            writer.commit(
                before.get(1).head(), Records.batch(Records.transactions("shop", 11, 5, 3), 30));

    assertThat(((Manifest.Segment) after.manifest()).segment().encryption().keyId())
        .isEqualTo(secondKey)
        .isNotEqualTo(firstKey);
    ArchiveReport report = new ChainVerifier(other, Keyring.open(other, kek)).verifyAll();
    assertThat(report.clean()).isTrue();
    assertThat(report.undecodedSegments()).isZero();
    assertThat(report.keyIds()).containsOnlyKeys(firstKey, secondKey);
    assertThat(report.keyIds().get(firstKey)).isEqualTo(2);
    assertThat(report.keyIds().get(secondKey)).isEqualTo(1);
    assertThat(KeyUsage.of(new ArchiveReader(other)).segments()).isEqualTo(report.keyIds());
  }

  @Test
  void shouldFindWithoutKekWhatAPlaintextTwinShowsWhenBothAreCorruptedAlike() throws IOException {
    Path twinRoot = dir.resolve("twin");
    FileSystemObjectStore twin = new FileSystemObjectStore(twinRoot);
    write(twin, Keyring.none(), SEGMENTS);
    List<List<String>> findings = new ArrayList<>();
    for (Path archive : List.of(root, twinRoot)) {
      FileSystemObjectStore store = new FileSystemObjectStore(archive);
      // One of each: a missing manifest, a truncated segment, an edited manifest, a leftover.
      Files.delete(archive.resolve(ArchiveLayout.manifestKey(STREAM, 1)));
      String seg2 =
          ((Manifest.Segment)
                  new ArchiveReader(store).readManifest(STREAM, 2).orElseThrow().manifest())
              .segment()
              .key();
      byte[] bytes = Files.readAllBytes(archive.resolve(seg2));
      Files.delete(archive.resolve(seg2));
      Files.write(archive.resolve(seg2), java.util.Arrays.copyOf(bytes, bytes.length - 7));
      Path m3 = archive.resolve(ArchiveLayout.manifestKey(STREAM, 3));
      String edited =
          Files.readString(m3).replace("\"writerId\":\"test\"", "\"writerId\":\"tEst\"");
      Files.delete(m3);
      Files.writeString(m3, edited);
      findings.add(
          new ChainVerifier(store)
              .verifyAll().findings().stream()
                  .map(
                      f ->
                          f.kind()
                              + " "
                              + f.key().replaceAll("-[0-9a-f]{64}\\.seg$", "-<sha256>.seg"))
                  .toList());
    }
    assertThat(findings.get(0)).isEqualTo(findings.get(1)).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void shouldRefuseToWritePlaintextIntoAnEncryptedArchive() {
    assertThatThrownBy(() -> Keyring.forWriting(store, java.util.Optional.empty()))
        .isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("refusing to write plaintext")
        .hasMessageContaining(kek.id());
  }

  private void assertMismatchEitherWay(String detail) {
    for (Keyring keys : List.of(Keyring.none(), Keyring.open(store, kek))) {
      ArchiveReport report = new ChainVerifier(store, keys).verifyAll();
      assertThat(report.errors())
          .singleElement()
          .satisfies(f -> assertThat(f.kind()).isEqualTo(Finding.Kind.SEGMENT_MANIFEST_MISMATCH))
          .satisfies(f -> assertThat(f.detail()).contains(detail));
    }
    Manifest.Segment edited =
        (Manifest.Segment)
            new ArchiveReader(store).readManifest(STREAM, SEGMENTS - 1).orElseThrow().manifest();
    byte[] bytes = store.readAll(edited.segment().key()).orElseThrow();
    assertThatThrownBy(() -> SegmentReader.open(bytes, edited, Keyring.open(store, kek)))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining(detail);
  }

  private Manifest.Segment lastManifest() {
    return (Manifest.Segment) committed.get(SEGMENTS - 1).manifest();
  }

  /** The last manifest has no successor, so editing it breaks no chain link. */
  private void replaceLastManifest(Manifest.Segment edited) throws IOException {
    writeManifest(root, edited);
  }

  private static void writeManifest(Path root, Manifest.Segment edited) throws IOException {
    Path file = root.resolve(ArchiveLayout.manifestKey(edited.stream(), edited.seq()));
    Files.delete(file);
    Files.write(file, ManifestCodec.encode(edited));
  }

  private static byte[] segmentBytes(FileSystemObjectStore store, CommitResult.Committed c) {
    return store.readAll(((Manifest.Segment) c.manifest()).segment().key()).orElseThrow();
  }

  /** Runs of at least eight printable ASCII characters, as {@code strings} finds them. */
  private static Set<String> printableRuns(byte[] bytes) {
    Set<String> runs = new HashSet<>();
    StringBuilder run = new StringBuilder();
    for (byte b : bytes) {
      if (b >= 0x20 && b < 0x7f) {
        run.append((char) b);
        continue;
      }
      if (run.length() >= 8) {
        runs.add(run.toString());
      }
      run.setLength(0);
    }
    if (run.length() >= 8) {
      runs.add(run.toString());
    }
    return runs;
  }

  private static void deleteTree(Path path) throws IOException {
    try (var files = Files.walk(path)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
