package io.walstream.archive.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gets the JDK's AES-GCM code compiled before the archive's large objects need it. HotSpot uses the
 * AES and GHASH instructions only from compiled callers, and a writer that encrypts one multi-MiB
 * segment per cut calls them too rarely for them ever to be compiled: measured on this machine,
 * AES-GCM then runs at 0.07 GB/s instead of 4.7 (docs/BENCHMARKS.md, Encryption). Some thousands of
 * small operations with a throwaway key, once per process on a background thread, make the compiler
 * take them.
 */
final class JitWarmup {
  private static final int OPERATIONS = 10_000;
  private static final int SIZE = 1024;
  private static boolean started;

  private JitWarmup() {}

  /** Starts the warm-up on a daemon thread, once per process. */
  static synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    Thread thread = new Thread(JitWarmup::run, "walstream-crypto-warmup");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }

  private static void run() {
    // A fixed throwaway key: nothing it encrypts is kept or written anywhere.
    SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
    byte[] plain = new byte[SIZE];
    byte[] sealed = new byte[SIZE + 16];
    byte[] nonce = new byte[12];
    try {
      // One cipher each way, re-initialised: the operations, not the lookups, are what must run.
      Cipher encrypt = Cipher.getInstance("AES/GCM/NoPadding");
      Cipher decrypt = Cipher.getInstance("AES/GCM/NoPadding");
      for (int i = 0; i < OPERATIONS; i++) {
        nonce[0] = (byte) i;
        nonce[1] = (byte) (i >>> 8);
        GCMParameterSpec spec = new GCMParameterSpec(128, nonce);
        encrypt.init(Cipher.ENCRYPT_MODE, key, spec);
        encrypt.doFinal(ByteBuffer.wrap(plain), ByteBuffer.wrap(sealed));
        decrypt.init(Cipher.DECRYPT_MODE, key, spec);
        decrypt.doFinal(ByteBuffer.wrap(sealed), ByteBuffer.wrap(plain));
      }
    } catch (GeneralSecurityException e) {
      // Only speed depends on this; the archive's own use of the cipher reports real failures.
      org.slf4j.LoggerFactory.getLogger(JitWarmup.class)
          .debug("AES-GCM warm-up stopped early: {}", e.toString());
    }
  }
}
