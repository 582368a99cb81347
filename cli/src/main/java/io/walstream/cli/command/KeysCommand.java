package io.walstream.cli.command;

import io.walstream.archive.crypto.ArchiveKeysets;
import io.walstream.archive.crypto.LocalKek;
import io.walstream.archive.format.StoredKeyset;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.store.ObjectStore;
import io.walstream.schemas.value.Values;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code walstream keys}: the key-encryption key and the archive's data keyset (docs/FORMAT.md
 * §12).
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    header = "Create and manage encryption keys.",
    description =
        "Create a key-encryption key (KEK), create the archive's data keyset under it, rotate the"
            + " data key, rewrap the keyset under a new KEK, list the keys. No segment is ever"
            + " rewritten: old segments keep the key they were written with.",
    subcommands = {
      KeysCommand.CreateKek.class,
      KeysCommand.Init.class,
      KeysCommand.Rotate.class,
      KeysCommand.Rewrap.class,
      KeysListCommand.class,
      KeysCommand.CreateSigningKey.class
    })
public final class KeysCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(),
        "name a subcommand: create-kek, init, rotate, rewrap, list or create-signing-key");
  }

  /** {@code keys create-signing-key}. */
  @Command(
      name = "create-signing-key",
      mixinStandardHelpOptions = true,
      header = "Write a new manifest signing key pair (Ed25519).",
      description =
          "Write a new Tink Ed25519 private key to --output (mode 0600) and its public key to"
              + " --output.pub. Give the private key to archivers (archive.signing.key) and the"
              + " public key to verify and restore (--public-key): a manifest someone rewrote"
              + " without the private key is then refused. Existing files are never replaced.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:written", "1:other failure", "2:usage error (e.g. a file exists)"})
  static final class CreateSigningKey implements Callable<Integer> {
    @Mixin VerboseOption verbose;

    @Option(
        names = "--output",
        required = true,
        paramLabel = "FILE",
        description = "Private key file; the public key goes to FILE.pub.")
    Path output;

    @Override
    public Integer call() {
      Path publicKey = io.walstream.archive.crypto.ManifestSigner.create(output);
      System.out.printf(
          "Signing key written to %s (mode 0600), public key to %s%n", output, publicKey);
      return ExitCode.SUCCESS.code();
    }
  }

  /** {@code keys create-kek}. */
  @Command(
      name = "create-kek",
      mixinStandardHelpOptions = true,
      header = "Write a new key-encryption key file (mode 0600).",
      description =
          "Write a new Tink AES-256-GCM key-encryption key to --output, readable by its owner"
              + " only. An existing file is never replaced. Keep a copy somewhere safe: without it"
              + " every encrypted segment it protects is lost.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:written", "1:other failure", "2:usage error (e.g. the file exists)"})
  static final class CreateKek implements Callable<Integer> {
    @Mixin VerboseOption verbose;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "KEK file.")
    Path output;

    @Override
    public Integer call() {
      LocalKek kek = LocalKek.create(output);
      System.out.printf("Key-encryption key %s written to %s (mode 0600)%n", kek.id(), output);
      return ExitCode.SUCCESS.code();
    }
  }

  /** {@code keys init}. */
  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      header = "Create the archive's data keyset, wrapped under a KEK.",
      description =
          "Create the archive's data keyset (one AES-256-GCM-HKDF streaming key) wrapped under"
              + " --kek and store it in the archive, so that a restore anywhere needs only the KEK."
              + " Archivers given archive.encryption.kek then encrypt every new segment.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:created", "1:other failure (e.g. it has a keyset)", "2:usage error"})
  static final class Init extends KeysetChange {
    @Override
    ObjectStore open() {
      return archive.openNew();
    }

    @Override
    String change(ArchiveKeysets keysets, LocalKek current) {
      StoredKeyset created = keysets.init(current);
      return String.format(
          "Keyset created: %s, data key %d, wrapped under %s",
          ArchiveLayout.keysetKey(created.version()), created.primaryKeyId(), created.kek());
    }
  }

  /** {@code keys rotate}. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      header = "Add a new primary data key.",
      description =
          "Add a new data key and make it primary: archivers use it from their next cut, without a"
              + " restart. Old keys stay in the keyset, so every old segment still restores.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:rotated",
        "1:other failure (e.g. a concurrent change: run it again)",
        "2:usage error",
        "4:the KEK does not open the keyset"
      })
  static final class Rotate extends KeysetChange {
    @Override
    String change(ArchiveKeysets keysets, LocalKek current) {
      StoredKeyset rotated = keysets.rotate(current);
      return String.format(
          "Rotated: %s, primary data key now %d (%d keys)",
          ArchiveLayout.keysetKey(rotated.version()),
          rotated.primaryKeyId(),
          rotated.keys().size());
    }
  }

  /** {@code keys rewrap}. */
  @Command(
      name = "rewrap",
      mixinStandardHelpOptions = true,
      header = "Re-encrypt the keyset under a new KEK.",
      description =
          "Write the keyset wrapped under --new-kek (data keys unchanged; no segment or manifest"
              + " touched), then delete the older versions the old KEK opens. Run again after an"
              + " interruption, it completes the deletion. Running archivers keep their keys and"
              + " warn; give them the new KEK before their next start.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:rewrapped",
        "1:other failure (e.g. a concurrent change: run it again)",
        "2:usage error",
        "4:the old KEK does not open the keyset"
      })
  static final class Rewrap extends KeysetChange {
    @Option(names = "--new-kek", required = true, paramLabel = "FILE", description = "New KEK.")
    Path newKek;

    @Override
    String change(ArchiveKeysets keysets, LocalKek current) {
      StoredKeyset rewrapped = keysets.rewrap(current, LocalKek.load(newKek));
      return String.format(
          "Rewrapped: %s, wrapped under %s since %s",
          ArchiveLayout.keysetKey(rewrapped.version()),
          rewrapped.kek(),
          Values.formatTimestamp(Values.fromMicros(rewrapped.createdMicros())));
    }
  }

  /** What {@code init}, {@code rotate} and {@code rewrap} share: an archive and its KEK. */
  abstract static class KeysetChange implements Callable<Integer> {
    @Mixin VerboseOption verbose;

    @Mixin ArchiveOption archive;

    @Option(
        names = "--kek",
        required = true,
        paramLabel = "FILE",
        description = "The KEK that wraps the keyset (for init: that will wrap it).")
    Path kek;

    ObjectStore open() {
      return archive.open();
    }

    /** Makes the change; what to print. */
    abstract String change(ArchiveKeysets keysets, LocalKek current);

    @Override
    public Integer call() {
      try (ObjectStore store = open()) {
        System.out.println(change(new ArchiveKeysets(store), LocalKek.load(kek)));
        return ExitCode.SUCCESS.code();
      }
    }
  }
}
