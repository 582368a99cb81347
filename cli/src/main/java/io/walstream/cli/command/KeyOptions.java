package io.walstream.cli.command;

import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.crypto.LocalKek;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.SignatureCheck;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --kek FILE} and {@code --public-key FILE} options of the commands that read an
 * archive's records: the key that decrypts them, and the key its manifests must be signed with.
 */
final class KeyOptions {
  @Option(
      names = "--kek",
      paramLabel = "FILE",
      description =
          "Key-encryption key file that opens the archive's keyset (walstream keys create-kek),"
              + " for an encrypted archive. Without it an encrypted segment is refused (exit 4),"
              + " never read as plaintext.")
  Path kek;

  @Option(
      names = "--public-key",
      paramLabel = "FILE",
      description =
          "Public signing key (keys create-signing-key writes it as FILE.pub): every manifest and"
              + " catalog entry read must carry a valid signature under it, or is refused (exit"
              + " 4).")
  Path publicKey;

  /** The signature check {@code --public-key} asks for, or none. */
  SignatureCheck signatures() {
    return publicKey == null ? SignatureCheck.NONE : SignatureCheck.load(publicKey);
  }

  /** The archive's keys: opened with the KEK when one is given, none otherwise. */
  Keyring keyring(ObjectStore store) {
    return Keyring.of(store, Optional.ofNullable(kek).map(LocalKek::load));
  }

  /**
   * The keys of a command that writes to the archive: as {@link #keyring}, but refusing (exit 4) an
   * encrypted archive when no KEK is given rather than writing plaintext into it.
   */
  Keyring writingKeyring(ObjectStore store) {
    return Keyring.forWriting(store, Optional.ofNullable(kek).map(LocalKek::load));
  }

  /** A reader of {@code store} that decrypts with the keys {@link #keyring} gives. */
  ArchiveReader reader(ObjectStore store) {
    return new ArchiveReader(store, keyring(store), signatures());
  }
}
