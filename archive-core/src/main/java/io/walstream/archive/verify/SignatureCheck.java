package io.walstream.archive.verify;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.format.SignatureCodec;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.store.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * Checks that a manifest or catalog entry carries a valid signature under the archive's public
 * signing key (docs/FORMAT.md §13): a missing one is {@code MISSING_SIGNATURE}, one that does not
 * verify, or signs other bytes or another key, {@code SIGNATURE_MISMATCH}. With it, someone who can
 * write to the bucket but holds no signing key cannot rewrite a manifest together with every
 * manifest after it. {@link #NONE} checks nothing.
 */
public final class SignatureCheck {
  /** No check: signatures are neither required nor read. */
  public static final SignatureCheck NONE = new SignatureCheck(null);

  private final PublicKeyVerify verify;

  private SignatureCheck(PublicKeyVerify verify) {
    this.verify = verify;
  }

  /**
   * Loads the public key in {@code file} ({@code keys create-signing-key} writes it as {@code
   * FILE.pub}).
   *
   * @throws InvalidConfigException when the file is missing or holds no public signing keyset
   */
  public static SignatureCheck load(Path file) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidConfigException(
          "Cannot read public key " + file + ": " + e.getClass().getSimpleName());
    }
    try {
      com.google.crypto.tink.signature.SignatureConfig.register();
      KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(json);
      return new SignatureCheck(
          handle.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidConfigException(
          "Cannot read public key "
              + file
              + ": not a Tink public signing keyset in JSON (keys create-signing-key writes one as"
              + " FILE.pub)");
    }
  }

  /** Whether signatures are checked. */
  public boolean checks() {
    return verify != null;
  }

  /**
   * What is wrong with the signature of the object stored at {@code signedKey} with {@code bytes},
   * or empty when it is valid (or nothing is checked).
   */
  public Optional<Finding> check(ObjectStore store, String signedKey, byte[] bytes) {
    if (verify == null) {
      return Optional.empty();
    }
    String sha = Sha256.hex(bytes);
    String key = ArchiveLayout.signatureKey(signedKey, sha);
    Optional<byte[]> stored = store.readAll(key);
    if (stored.isEmpty()) {
      return Optional.of(
          Finding.of(
              Finding.Kind.MISSING_SIGNATURE,
              signedKey,
              "no signature of these bytes (" + key + ") under the given public key"));
    }
    try {
      SignatureCodec.StoredSignature s = SignatureCodec.decode(stored.get(), key);
      if (!s.signed().equals(signedKey) || !s.sha256().equals(sha)) {
        return mismatch(signedKey, key, "it signs " + s.signed() + " with sha256 " + s.sha256());
      }
      verify.verify(s.signature(), SignatureCodec.signedData(signedKey, sha));
      return Optional.empty();
    } catch (IntegrityException e) {
      return mismatch(signedKey, key, e.getMessage());
    } catch (GeneralSecurityException e) {
      return mismatch(signedKey, key, "it does not verify under the given public key");
    }
  }

  /**
   * As {@link #check}, throwing.
   *
   * @throws IntegrityException naming the object whose signature is missing or wrong
   */
  public void require(ObjectStore store, String signedKey, byte[] bytes, String action) {
    Optional<Finding> problem = check(store, signedKey, bytes);
    if (problem.isPresent()) {
      throw problem.get().toException(action);
    }
  }

  private static Optional<Finding> mismatch(String signedKey, String key, String why) {
    return Optional.of(
        Finding.of(Finding.Kind.SIGNATURE_MISMATCH, signedKey, "signature " + key + ": " + why));
  }
}
