package io.walstream.archive.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archive.format.SignatureCodec;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Signs the manifests and catalog entries a writer commits with a Tink Ed25519 private key
 * (docs/FORMAT.md §13), storing each signature beside the object it signs before the object is
 * claimed, so that no committed object of a signing writer is ever without its signature. {@link
 * #NONE} signs nothing.
 */
public final class ManifestSigner {
  /** A writer that does not sign. */
  public static final ManifestSigner NONE = new ManifestSigner(null);

  private final PublicKeySign sign;

  private ManifestSigner(PublicKeySign sign) {
    this.sign = sign;
  }

  /**
   * Creates a new signing key pair: the private keyset at {@code file} (mode 0600) and its public
   * keyset at {@code file}{@code .pub}.
   *
   * @return the public key file
   * @throws InvalidConfigException when either file exists (a key file is never replaced)
   */
  public static Path create(Path file) {
    Tink.register();
    Path publicFile = file.resolveSibling(file.getFileName() + ".pub");
    try {
      KeysetHandle handle = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
      String publicJson =
          TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(handle.getPublicKeysetHandle());
      if (java.nio.file.Files.exists(publicFile)) {
        throw new InvalidConfigException(
            "Cannot create signing key " + file + ": " + publicFile + " exists");
      }
      KeyFiles.writeNew(
          file,
          TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get())
              .getBytes(StandardCharsets.UTF_8),
          "signing key");
      KeyFiles.writeNew(publicFile, publicJson.getBytes(StandardCharsets.UTF_8), "public key");
      return publicFile;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot generate a signing key", e);
    }
  }

  /**
   * Loads the private signing key in {@code file}.
   *
   * @throws InvalidConfigException when it is missing or not a Tink signing keyset
   */
  public static ManifestSigner load(Path file) {
    Tink.register();
    String json = KeyFiles.read(file, "signing key");
    try {
      return new ManifestSigner(
          TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get())
              .getPrimitive(RegistryConfiguration.get(), PublicKeySign.class));
    } catch (GeneralSecurityException | RuntimeException e) {
      // The message of a parse failure may quote the file's content, which is secret.
      throw new InvalidConfigException(
          "Cannot read signing key "
              + file
              + ": not a Tink signing keyset in JSON (create one with walstream keys"
              + " create-signing-key)");
    }
  }

  /** Whether this signer signs. */
  public boolean signs() {
    return sign != null;
  }

  /**
   * Stores the signature of the object about to be claimed at {@code signedKey} with {@code bytes},
   * with put-if-absent (Ed25519 signatures are deterministic: a retry writes the same bytes). Does
   * nothing for {@link #NONE}.
   */
  public void signBeforeClaim(ObjectStore store, String signedKey, byte[] bytes) {
    if (sign == null) {
      return;
    }
    String sha = io.walstream.archive.format.Sha256.hex(bytes);
    byte[] signature;
    try {
      signature = sign.sign(SignatureCodec.signedData(signedKey, sha));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot sign " + signedKey, e);
    }
    store.putIfAbsent(
        ArchiveLayout.signatureKey(signedKey, sha),
        ObjectContent.ofBytes(
            SignatureCodec.encode(new SignatureCodec.StoredSignature(signedKey, sha, signature))));
  }
}
