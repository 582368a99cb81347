package io.walstream.archive.crypto;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink primitives walstream uses, once per process. */
final class Tink {
  private static volatile boolean registered;

  private Tink() {}

  static synchronized void register() {
    if (registered) {
      return;
    }
    try {
      AeadConfig.register();
      StreamingAeadConfig.register();
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot register Tink primitives", e);
    }
    registered = true;
  }
}
