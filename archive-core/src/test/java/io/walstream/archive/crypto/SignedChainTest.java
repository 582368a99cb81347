package io.walstream.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.verify.SignatureCheck;
import io.walstream.archive.writer.ArchiveWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests and catalog entries signed by the writer, checked by the verifier given the key. */
class SignedChainTest {
  private static final StreamId STREAM = new StreamId("shop", "walstream.changes", 0);
  private static final int SEGMENTS = 3;

  @TempDir Path dir;

  private FileSystemObjectStore archive(String name, ManifestSigner signer) {
    FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve(name));
    Records.archive(
        new ArchiveWriter(store, "test", 3, Keyring.none(), signer), STREAM, 1, SEGMENTS, 4, 2);
    return store;
  }

  private List<Finding> errors(FileSystemObjectStore store, Path publicKey) {
    return new ChainVerifier(
            new ArchiveReader(store, Keyring.none(), SignatureCheck.load(publicKey)))
        .verifyAll()
        .errors();
  }

  @Test
  void shouldWriteThePairOwnerOnlyAndNeverReplaceIt() throws Exception {
    Path file = dir.resolve("signing.json");
    Path publicKey = ManifestSigner.create(file);

    assertThat(publicKey).isEqualTo(dir.resolve("signing.json.pub"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(publicKey)).doesNotContain(Files.readString(file));
    assertThatThrownBy(() -> ManifestSigner.create(file))
        .isInstanceOf(InvalidConfigException.class);
    assertThatThrownBy(() -> ManifestSigner.load(publicKey))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("not a Tink signing keyset");
  }

  @Test
  void shouldVerifyCleanWhenEveryManifestAndCatalogEntryIsSigned() {
    Path key = dir.resolve("signing.json");
    Path publicKey = ManifestSigner.create(key);
    FileSystemObjectStore store = archive("signed", ManifestSigner.load(key));

    assertThat(errors(store, publicKey)).isEmpty();
    assertThat(new ChainVerifier(store).verifyAll().findings())
        .noneMatch(f -> f.kind() == Finding.Kind.UNKNOWN_OBJECT);
  }

  @Test
  void shouldFindEveryUnsignedObjectWhenThePublicKeyIsGiven() {
    Path publicKey = ManifestSigner.create(dir.resolve("signing.json"));
    FileSystemObjectStore store = archive("unsigned", ManifestSigner.NONE);

    List<Finding> errors = errors(store, publicKey);

    assertThat(errors)
        .hasSize(SEGMENTS + 1)
        .allMatch(f -> f.kind() == Finding.Kind.MISSING_SIGNATURE)
        .anyMatch(f -> f.key().equals(ArchiveLayout.catalogKey("shop", 0)))
        .anyMatch(f -> f.key().equals(ArchiveLayout.manifestKey(STREAM, SEGMENTS - 1)));
  }

  @Test
  void shouldRefuseSignaturesOfAnotherKeyOrAnotherObject() throws Exception {
    Path key = dir.resolve("signing.json");
    ManifestSigner.create(key);
    Path otherPublic = ManifestSigner.create(dir.resolve("other.json"));
    FileSystemObjectStore store = archive("signed", ManifestSigner.load(key));
    Path publicKey = dir.resolve("signing.json.pub");

    assertThat(errors(store, otherPublic))
        .hasSize(SEGMENTS + 1)
        .allMatch(f -> f.kind() == Finding.Kind.SIGNATURE_MISMATCH);

    // Manifest 1's valid signature copied to where manifest 2's belongs.
    Path root = dir.resolve("signed");
    String second = ArchiveLayout.manifestKey(STREAM, 2);
    String secondSig = ArchiveLayout.signatureKey(second, sha(root, second));
    String first = ArchiveLayout.manifestKey(STREAM, 1);
    Files.delete(root.resolve(secondSig));
    Files.copy(
        root.resolve(ArchiveLayout.signatureKey(first, sha(root, first))), root.resolve(secondSig));

    assertThat(errors(store, publicKey))
        .singleElement()
        .satisfies(f -> assertThat(f.kind()).isEqualTo(Finding.Kind.SIGNATURE_MISMATCH))
        .satisfies(f -> assertThat(f.key()).isEqualTo(second))
        .satisfies(f -> assertThat(f.detail()).contains("it signs " + first));
    assertThatThrownBy(
            () ->
                SignatureCheck.load(publicKey)
                    .require(
                        store, second, Files.readAllBytes(root.resolve(second)), "Cannot restore"))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining(second);
  }

  private static String sha(Path root, String key) throws Exception {
    return Sha256.hex(Files.readAllBytes(root.resolve(key)));
  }
}
