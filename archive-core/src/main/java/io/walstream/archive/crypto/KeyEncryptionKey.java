package io.walstream.archive.crypto;

import com.google.crypto.tink.Aead;

/**
 * The key-encryption key (KEK) the operator holds, which wraps the archive's data keyset: a local
 * Tink keyset file ({@link LocalKek}) or, behind the same seam, a cloud KMS key. Losing it loses
 * every encrypted object of every archive whose keyset it wraps.
 */
public interface KeyEncryptionKey {
  /**
   * What identifies the key without revealing it ({@code local:<tink key id>}); recorded in the
   * keyset objects it wraps, and used in messages.
   */
  String id();

  /** The AEAD that wraps and unwraps keysets. */
  Aead aead();

  /** Where the key comes from, for messages (a file name, a KMS key ARN); never secret. */
  String source();
}
