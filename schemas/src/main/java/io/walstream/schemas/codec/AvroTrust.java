package io.walstream.schemas.codec;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Trusts walstream's generated Avro classes for reflective instantiation during decoding.
 *
 * <p>Avro refuses to instantiate classes that are not on its allow-list unless the {@code
 * org.apache.avro.SERIALIZABLE_PACKAGES} system property names them. Relying on the property only
 * works where someone remembered to set it (Maven's surefire, say), so the trust is installed in
 * code, once, before any decoder is built.
 */
public final class AvroTrust {
  private static final String PACKAGE = "io.walstream.schemas.avro.";
  private static volatile boolean installed;

  private AvroTrust() {}

  /** Installs the trust; idempotent and thread-safe. */
  public static void install() {
    if (installed) {
      return;
    }
    synchronized (AvroTrust.class) {
      if (installed) {
        return;
      }
      ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
      ClassSecurityValidator.setGlobal(
          ClassSecurityValidator.composite(previous, type -> type.getName().startsWith(PACKAGE)));
      installed = true;
    }
  }
}
