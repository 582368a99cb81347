package io.walstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.ManifestCodec;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.ManifestEdits;
import io.walstream.archive.testing.Records;
import io.walstream.archive.verify.ChainVerifier;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every single-object corruption of a sampled set of an archive's objects must be detected by
 * verify and refused by restore, leaving no output: flipped bytes, truncations, deletions, swapped
 * segments, a replayed old manifest, and a manifest edited to match a re-hashed segment.
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

  @BeforeEach
  void archive() {
    pristine = dir.resolve("pristine");
    ArchiveWriter writer = new ArchiveWriter(new FileSystemObjectStore(pristine), "tamper-test");
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

  private static Manifest read(Path archive, StreamId stream, long seq) throws IOException {
    String key = ArchiveLayout.manifestKey(stream, seq);
    return ManifestCodec.decode(Files.readAllBytes(archive.resolve(key)), key);
  }

  private static Path segment(Path archive, StreamId stream, long seq) throws IOException {
    return archive.resolve(read(archive, stream, seq).segmentKey());
  }

  private static void flip(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x20;
    Files.write(file, bytes);
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
      verifyFound = !new ChainVerifier(store).verifyAll().clean();
    }
    Path out = dir.resolve("restore-" + attempted + ".db");
    boolean restoreRefused;
    try (FileSystemObjectStore store = new FileSystemObjectStore(copy)) {
      new Restorer(store).restore(DB, new RestoreTarget.Latest(), SqliteSink.open(out, false));
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

  @Test
  void shouldDetectEverySingleObjectCorruptionOfTheSampledObjects() throws Exception {
    Random random = new Random(Integer.getInteger("walstream.tamper.seed", 17));
    int samples = Report.soak(4);
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
      attack("flip a manifest byte", (a, s, q) -> flip(manifest(a, s, q)), stream, any);
      attack("truncate a segment", (a, s, q) -> truncate(segment(a, s, q)), stream, any);
      attack("truncate a manifest", (a, s, q) -> truncate(manifest(a, s, q)), stream, any);
      attack("delete a segment", (a, s, q) -> Files.delete(segment(a, s, q)), stream, any);
      attack("delete a manifest", (a, s, q) -> Files.delete(manifest(a, s, q)), stream, notHead);
      attack("swap two segments", TamperingTest::swap, stream, notHead);
      attack("replay an old manifest", TamperingTest::replay, stream, notHead + 1);
      attack("edit a manifest, re-hash its segment", TamperingTest::rehash, stream, notHead);
    }
    Report.row(
        "tampering: single-object corruptions",
        cases.size(),
        "9 kinds × " + cases.size() + " samples",
        attempted,
        0,
        0,
        detected + " / " + attempted);

    assertThat(missed).isEmpty();
    assertThat(detected).isEqualTo(attempted).isEqualTo(9 * samples);
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
    Manifest m = read(archive, stream, seq);
    Path old = archive.resolve(m.segmentKey());
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
