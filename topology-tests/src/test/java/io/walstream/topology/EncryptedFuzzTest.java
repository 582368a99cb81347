package io.walstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.crypto.ArchiveKeysets;
import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.crypto.LocalKek;
import io.walstream.archive.crypto.ManifestSigner;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.KeysetCodec;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.format.SignatureCodec;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archive.writer.CommitResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The decoders of an encrypted, signed archive fed random and mutated bytes: encrypted segments
 * (read with the keys and without them), keyset objects and signature objects. Each decodes or
 * fails with its one typed error naming the key; an encrypted segment's mutation never yields
 * records (authentication), and without keys never anything but a named missing key.
 */
class EncryptedFuzzTest {
  private static final AtomicLong INPUTS = new AtomicLong();
  private static final int TRIES = 500;
  private static final StreamId STREAM = new StreamId("fuzz", "changes", 0);
  private static final Manifest.Segment MANIFEST;
  private static final byte[] SEGMENT;
  private static final byte[] KEYSET;
  private static final byte[] SIGNATURE;
  private static final Keyring KEYS;

  static {
    try {
      Path dir = Files.createTempDirectory("encrypted-fuzz");
      InMemoryObjectStore store = new InMemoryObjectStore();
      LocalKek kek = LocalKek.create(dir.resolve("kek.json"));
      new ArchiveKeysets(store).init(kek);
      KEYS = Keyring.open(store, kek);
      ManifestSigner.create(dir.resolve("signing.json"));
      ArchiveWriter writer =
          new ArchiveWriter(
              store, "fuzz", 3, KEYS, ManifestSigner.load(dir.resolve("signing.json")));
      CommitResult.Committed c =
          (CommitResult.Committed)
              writer.commit(
                  writer.loadHead(STREAM),
                  Records.batch(Records.transactions("fuzz", 1, 40, 3), 0));
      MANIFEST = (Manifest.Segment) c.manifest();
      SEGMENT = store.readAll(MANIFEST.segment().key()).orElseThrow();
      KEYSET = store.readAll(ArchiveLayout.keysetKey(0)).orElseThrow();
      String manifestKey = ArchiveLayout.manifestKey(STREAM, 0);
      byte[] manifest = store.readAll(manifestKey).orElseThrow();
      SIGNATURE =
          store
              .readAll(
                  ArchiveLayout.signatureKey(
                      manifestKey, io.walstream.archive.format.Sha256.hex(manifest)))
              .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<byte[]> segments() {
    return FuzzTest.around(SEGMENT);
  }

  @Provide
  Arbitrary<byte[]> keysets() {
    return FuzzTest.around(KEYSET);
  }

  @Provide
  Arbitrary<byte[]> signatures() {
    return FuzzTest.around(SIGNATURE);
  }

  @Property(tries = TRIES)
  void shouldNeverYieldRecordsOfAMutatedEncryptedSegment(@ForAll("segments") byte[] bytes) {
    INPUTS.incrementAndGet();
    String key = MANIFEST.segment().key();
    long read = 0;
    try (SegmentReader reader = SegmentReader.open(bytes, MANIFEST, KEYS)) {
      while (reader.hasNext()) {
        reader.next();
        read++;
      }
      // Only the stored bytes themselves decrypt and authenticate.
      assertThat(bytes).isEqualTo(SEGMENT);
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(read).isIn(0L, 120L);
  }

  @Property(tries = TRIES)
  void shouldRefuseAnyEncryptedSegmentBytesWithoutKeys(@ForAll("segments") byte[] bytes) {
    INPUTS.incrementAndGet();
    try (SegmentReader reader = SegmentReader.open(bytes, MANIFEST, Keyring.none())) {
      throw new AssertionError("read without keys: " + reader.recordsRead());
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains(MANIFEST.segment().key());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Property(tries = TRIES)
  void shouldDecodeOrRaiseAFormatErrorWhenGivenAnyKeysetBytes(@ForAll("keysets") byte[] bytes) {
    INPUTS.incrementAndGet();
    String key = ArchiveLayout.keysetKey(0);
    try {
      KeysetCodec.decode(bytes, key);
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains(key);
    }
  }

  @Property(tries = TRIES)
  void shouldDecodeOrRaiseAFormatErrorWhenGivenAnySignatureBytes(
      @ForAll("signatures") byte[] bytes) {
    INPUTS.incrementAndGet();
    try {
      SignatureCodec.decode(bytes, "fuzz.sig");
    } catch (IntegrityException expected) {
      assertThat(expected.getMessage()).contains("fuzz.sig");
    }
  }

  @AfterContainer
  static void report() {
    Report.row(
        "fuzzed decoders of an encrypted, signed archive (encrypted segments with and without"
            + " keys, keyset objects, signature objects)",
        4,
        "random, flipped, cut and extended bytes",
        INPUTS.get(),
        0,
        0,
        "typed error or valid decode: " + INPUTS.get() + " / " + INPUTS.get());
  }
}
