package io.walstream.cli.demo;

import io.walstream.archive.crypto.ArchiveKeysets;
import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.crypto.LocalKek;
import io.walstream.archive.crypto.ManifestSigner;
import io.walstream.archive.format.StoredKeyset;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.SignatureCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The keys of an encrypted demo, as an operator would make them with {@code walstream keys}: a
 * key-encryption key, the archive's data keyset wrapped under it, and a signing key pair, all under
 * the demo directory's {@code keys/}.
 *
 * @param kek the key-encryption key file
 * @param signingKey the private signing key file
 * @param publicKey the public signing key file
 * @param primaryKeyId the data key new segments are encrypted with
 */
record DemoKeys(Path kek, Path signingKey, Path publicKey, long primaryKeyId) {

  /** Creates the keys and the archive's keyset in {@code store}. */
  static DemoKeys create(Path dir, ObjectStore store) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir, e);
    }
    Path kek = dir.resolve("kek.json");
    Path signing = dir.resolve("signing.json");
    StoredKeyset keyset = new ArchiveKeysets(store).init(LocalKek.create(kek));
    Path publicKey = ManifestSigner.create(signing);
    return new DemoKeys(kek, signing, publicKey, keyset.primaryKeyId());
  }

  /** A reader that decrypts with the KEK and requires every signature. */
  ArchiveReader reader(ObjectStore store) {
    return new ArchiveReader(
        store, Keyring.open(store, LocalKek.load(kek)), SignatureCheck.load(publicKey));
  }
}
