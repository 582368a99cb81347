package io.walstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.crypto.ArchiveKeysets;
import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.crypto.LocalKek;
import io.walstream.archive.crypto.ManifestSigner;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestCodec;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.ManifestEdits;
import io.walstream.archive.testing.Records;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.SignatureCheck;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every single-object corruption of a sampled set of an archive's objects must be detected by
 * verify and refused by restore, leaving no output: flipped bytes (at random positions),
 * truncations, deletions, swapped segments, a replayed old manifest, a manifest edited to match a
 * re-hashed segment; and attacks on which streams the database has: catalog entries flipped,
 * truncated or deleted, index entries deleted, whole streams deleted with or without their index
 * entries. It runs over a plaintext archive and over an encrypted one (verified without the key and
 * with it, restored with it); and over a signed one, the attack a hash chain alone cannot see (a
 * manifest rewritten together with every later one) is refused once the public key is given.
 */
class TamperingTest {
  private static final String DB = "bank";
  private static final List<StreamId> STREAMS =
      List.of(new StreamId(DB, "changes", 0), new StreamId(DB, "changes", 1));
  private static final int SEGMENTS = 6;

  @TempDir Path dir;
  private Path pristine;
  private int attempted;
  private int detected;
  private final List<String> missed = new ArrayList<>();

  /** How the archive under attack is written. */
  enum Mode {
    PLAINTEXT,
    ENCRYPTED
  }

  private Mode mode = Mode.PLAINTEXT;
  private LocalKek kek;
  private Path publicKey;

  private void archive(Mode mode, ManifestSigner signer) {
    this.mode = mode;
    pristine = dir.resolve("pristine");
    FileSystemObjectStore store = new FileSystemObjectStore(pristine);
    Keyring keys = Keyring.none();
    if (mode == Mode.ENCRYPTED) {
      kek = LocalKek.create(dir.resolve("kek.json"));
      new ArchiveKeysets(store).init(kek);
      keys = Keyring.open(store, kek);
    }
    ArchiveWriter writer = new ArchiveWriter(store, "tamper-test", 3, keys, signer);
    long lsn = 100;
    for (StreamId stream : STREAMS) {
      StreamHead head = writer.loadHead(stream);
      for (int s = 0; s < SEGMENTS; s++) {
        var records = Records.transactions(DB, lsn, 5, 2);
        lsn += 5;
        head =
            ((CommitResult.Committed) writer.commit(head, Records.batch(records, s * 10L))).head();
      }
    }
  }

  /** A corruption applied to a copy of the archive. */
  private interface Corruption {
    void apply(Path archive, StreamId stream, long seq) throws Exception;
  }

  private static Path manifest(Path archive, StreamId stream, long seq) {
    return archive.resolve(ArchiveLayout.manifestKey(stream, seq));
  }

  private static Manifest.Segment read(Path archive, StreamId stream, long seq) throws IOException {
    String key = ArchiveLayout.manifestKey(stream, seq);
    return (Manifest.Segment) ManifestCodec.decode(Files.readAllBytes(archive.resolve(key)), key);
  }

  private static Path segment(Path archive, StreamId stream, long seq) throws IOException {
    return archive.resolve(read(archive, stream, seq).segment().key());
  }

  private final Random positions = new Random(Integer.getInteger("walstream.tamper.seed", 17));

  /** Flips one bit of a byte at a random position. */
  private void flip(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[positions.nextInt(bytes.length)] ^= (byte) (1 << positions.nextInt(8));
    Files.write(file, bytes);
  }

  /** The catalog entry of {@code stream}: streams were added in the order of {@link #STREAMS}. */
  private static Path catalogEntry(Path archive, StreamId stream) {
    return archive.resolve(ArchiveLayout.catalogKey(DB, STREAMS.indexOf(stream)));
  }

  private static Path newestCatalogEntry(Path archive) {
    return archive.resolve(ArchiveLayout.catalogKey(DB, STREAMS.size() - 1));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void deleteStream(Path archive, StreamId stream) throws IOException {
    deleteTree(archive.resolve(ArchiveLayout.streamPrefix(stream)));
  }

  private static void truncate(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
  }

  /** Applies {@code corruption} to a fresh copy and checks verify and restore both refuse it. */
  private void attack(String name, Corruption corruption, StreamId stream, long seq)
      throws Exception {
    Path copy = dir.resolve("case-" + attempted);
    copy(pristine, copy);
    corruption.apply(copy, stream, seq);
    attempted++;
    boolean verifyFound;
    try (FileSystemObjectStore store = new FileSystemObjectStore(copy)) {
      // Without a key everything but records verifies: these attacks must show either way.
      verifyFound =
          !new ChainVerifier(reader(store)).verifyAll().clean()
              && !new ChainVerifier(new ArchiveReader(store, Keyring.none(), signatures()))
                  .verifyAll()
                  .clean();
    }
    Path out = dir.resolve("restore-" + attempted + ".db");
    boolean restoreRefused;
    try (FileSystemObjectStore store = new FileSystemObjectStore(copy)) {
      new Restorer(reader(store), 2)
          .restore(DB, new RestoreTarget.Latest(), SqliteSink.open(out, false));
      restoreRefused = false;
    } catch (IntegrityException e) {
      // Refused for the right reason, naming an object of the archive.
      restoreRefused = e.key() != null && !e.key().isEmpty();
    }
    if (verifyFound && restoreRefused && !Files.exists(out)) {
      detected++;
    } else {
      missed.add(
          name
              + " on "
              + stream
              + " seq "
              + seq
              + " (verify "
              + verifyFound
              + ", restore refused "
              + restoreRefused
              + ")");
    }
  }

  /** What verify and restore read the copy with: the key when encrypted, the public key if any. */
  private ArchiveReader reader(FileSystemObjectStore store) {
    return new ArchiveReader(
        store, mode == Mode.ENCRYPTED ? Keyring.open(store, kek) : Keyring.none(), signatures());
  }

  private SignatureCheck signatures() {
    return publicKey == null ? SignatureCheck.NONE : SignatureCheck.load(publicKey);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void shouldDetectEverySingleObjectCorruptionOfTheSampledObjects(Mode mode) throws Exception {
    archive(mode, ManifestSigner.NONE);
    Random random = new Random(Integer.getInteger("walstream.tamper.seed", 17));
    int samples = Report.soak(6);
    List<Object[]> cases = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      StreamId stream = STREAMS.get(random.nextInt(STREAMS.size()));
      // Not the newest manifest for the attacks a successor's link exposes (see RELIABILITY.md).
      long notHead = random.nextInt(SEGMENTS - 1);
      long any = random.nextInt(SEGMENTS);
      cases.add(new Object[] {stream, notHead, any});
    }
    for (Object[] c : cases) {
      StreamId stream = (StreamId) c[0];
      long notHead = (Long) c[1];
      long any = (Long) c[2];
      attack("flip a segment byte", (a, s, q) -> flip(segment(a, s, q)), stream, any);
      attack("flip a manifest byte", (a, s, q) -> flip(manifest(a, s, q)), stream, notHead);
      attack("truncate a segment", (a, s, q) -> truncate(segment(a, s, q)), stream, any);
      attack("truncate a manifest", (a, s, q) -> truncate(manifest(a, s, q)), stream, any);
      attack("delete a segment", (a, s, q) -> Files.delete(segment(a, s, q)), stream, any);
      attack("delete a manifest", (a, s, q) -> Files.delete(manifest(a, s, q)), stream, notHead);
      attack("swap two segments", TamperingTest::swap, stream, notHead);
      attack("replay an old manifest", TamperingTest::replay, stream, notHead + 1);
      attack("edit a manifest, re-hash its segment", TamperingTest::rehash, stream, notHead);
      attackStreamSet(stream);
    }
    Report.row(
        "tampering: single-object corruptions, " + mode.name().toLowerCase(java.util.Locale.ROOT),
        cases.size(),
        KINDS + " kinds × " + cases.size() + " samples",
        attempted,
        0,
        0,
        detected + " / " + attempted);

    assertThat(missed).isEmpty();
    assertThat(detected).isEqualTo(attempted).isEqualTo(KINDS * samples);
  }

  private static final int KINDS = 17;

  @Test
  void shouldRefuseAManifestRewrittenWithEveryLaterOneOnlyWithThePublicKey() throws Exception {
    Path signingKey = dir.resolve("signing.json");
    Path signingPublic = ManifestSigner.create(signingKey);
    archive(Mode.ENCRYPTED, ManifestSigner.load(signingKey));
    StreamId stream = STREAMS.get(1);

    // Without the public key the rewritten chain is self-consistent: nothing can tell.
    attack("rewrite a manifest and every later one", TamperingTest::rewriteChain, stream, 2);
    assertThat(missed).hasSize(1);
    missed.clear();
    publicKey = signingPublic;
    attack("rewrite a manifest and every later one", TamperingTest::rewriteChain, stream, 2);
    attack("edit a manifest, re-hash its segment", TamperingTest::rehash, stream, 2);
    attack(
        "edit the newest manifest, re-hash its segment",
        TamperingTest::rehash,
        stream,
        SEGMENTS - 1);

    assertThat(missed).isEmpty();
    assertThat(detected).isEqualTo(3);
    Report.row(
        "tampering of a signed, encrypted archive, the public key given (a chain rewritten after"
            + " a manifest; a manifest edited to a re-hashed segment, the newest too); without the"
            + " key the rewritten chain passes",
        1,
        "3 attacks",
        attempted - 1,
        0,
        0,
        detected + " / " + (attempted - 1));
  }

  /**
   * The attack a hash chain alone cannot catch: a segment changed under a new hash, its manifest
   * edited to match, and every later manifest re-linked to the edited one's new hash.
   */
  private static void rewriteChain(Path archive, StreamId stream, long seq) throws IOException {
    rehash(archive, stream, seq);
    for (long next = seq + 1; next < SEGMENTS; next++) {
      String prev = Sha256.hex(Files.readAllBytes(manifest(archive, stream, next - 1)));
      Manifest.Segment relinked = ManifestEdits.withPrevious(read(archive, stream, next), prev);
      Files.write(manifest(archive, stream, next), ManifestCodec.encode(relinked));
    }
  }

  /**
   * Attacks on which streams the database has: its catalog, its index entries, whole streams.
   * Random flips hit the first catalog entry, whose successor's link exposes any change (the newest
   * entry, like the newest manifest, is covered by the anchor check instead).
   */
  private void attackStreamSet(StreamId stream) throws Exception {
    StreamId first = STREAMS.get(0);
    attack("flip a catalog entry byte", (a, s, q) -> flip(catalogEntry(a, s)), first, 0);
    attack("truncate a catalog entry", (a, s, q) -> truncate(catalogEntry(a, s)), stream, 0);
    attack("delete a catalog entry", (a, s, q) -> Files.delete(catalogEntry(a, s)), stream, 0);
    attack(
        "delete the newest catalog entry",
        (a, s, q) -> Files.delete(newestCatalogEntry(a)),
        stream,
        0);
    attack(
        "delete a stream index entry",
        (a, s, q) -> Files.delete(a.resolve(ArchiveLayout.streamIndexKey(s))),
        stream,
        0);
    attack(
        "delete a partition index entry",
        (a, s, q) -> Files.delete(a.resolve(ArchiveLayout.partitionIndexKey(s))),
        stream,
        0);
    attack("delete a whole stream's WAL objects", (a, s, q) -> deleteStream(a, s), stream, 0);
    attack(
        "delete a whole stream with its index entries",
        (a, s, q) -> {
          deleteStream(a, s);
          Files.delete(a.resolve(ArchiveLayout.streamIndexKey(s)));
          Files.delete(a.resolve(ArchiveLayout.partitionIndexKey(s)));
        },
        stream,
        0);
  }

  private static void swap(Path archive, StreamId stream, long seq) throws IOException {
    Path a = segment(archive, stream, seq);
    Path b = segment(archive, stream, seq + 1);
    byte[] bytesA = Files.readAllBytes(a);
    Files.write(a, Files.readAllBytes(b));
    Files.write(b, bytesA);
  }

  private static void replay(Path archive, StreamId stream, long seq) throws IOException {
    Files.write(
        manifest(archive, stream, seq), Files.readAllBytes(manifest(archive, stream, seq - 1)));
  }

  /**
   * The attacker changes a segment, stores it under its new hash and edits the manifest to match:
   * the manifest is self-consistent, and only the next manifest's link exposes it.
   */
  private static void rehash(Path archive, StreamId stream, long seq) throws IOException {
    Manifest.Segment m = read(archive, stream, seq);
    Path old = archive.resolve(m.segment().key());
    byte[] bytes = Files.readAllBytes(old);
    bytes[bytes.length - 1] ^= 0x01;
    String sha = Sha256.hex(bytes);
    String key = ArchiveLayout.segmentKey(stream, seq, sha);
    Files.write(archive.resolve(key), bytes);
    Files.delete(old);
    Manifest edited = ManifestEdits.withSegment(m, key, bytes.length, sha);
    Files.write(manifest(archive, stream, seq), ManifestCodec.encode(edited));
  }
}
