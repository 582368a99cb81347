package io.walstream.archive.crypto;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.KeyUnavailableException;
import io.walstream.archive.format.Decryptor;
import io.walstream.archive.format.EnvelopeHeader;
import io.walstream.archive.format.StoredKeyset;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.store.ObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data keys of one archive, as a reader or writer holds them: opened once with the KEK, then
 * used to encrypt new objects under the primary key and to decrypt objects under any key the keyset
 * holds. {@link #none()} is the keyring of a reader given no KEK: it reads plaintext objects and
 * refuses every encrypted one with a {@link KeyUnavailableException}, never a guess.
 *
 * <p>A rotation is picked up without a restart: writers call {@link #refreshIfChanged()} before
 * each cut (one existence check), readers reload when an object names a key they do not hold.
 * Thread-safe.
 */
public final class Keyring implements Decryptor {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Keyring.class);

  private final ArchiveKeysets keysets;
  private final KeyEncryptionKey kek;
  private final Map<Long, StreamingAead> primitives = new ConcurrentHashMap<>();
  private volatile ArchiveKeysets.Opened opened;
  private volatile String staleKek;

  private Keyring(ArchiveKeysets keysets, KeyEncryptionKey kek, ArchiveKeysets.Opened opened) {
    this.keysets = keysets;
    this.kek = kek;
    this.opened = opened;
  }

  /** The keyring of a reader without a KEK: plaintext only. */
  public static Keyring none() {
    return new Keyring(null, null, null);
  }

  /**
   * Opens the keyset of the archive in {@code store} with {@code kek}.
   *
   * @throws KeyUnavailableException when the archive has no keyset or {@code kek} cannot open it
   */
  public static Keyring open(ObjectStore store, KeyEncryptionKey kek) {
    JitWarmup.start();
    ArchiveKeysets keysets = new ArchiveKeysets(store);
    return new Keyring(keysets, kek, keysets.open(kek));
  }

  /**
   * The keyring of a writer (the archiver, a snapshot builder): {@link #open} when a KEK is given;
   * without one, {@link #none()} only when the archive has no keyset, since writing plaintext into
   * an encrypted archive would leave personal data unencrypted without anyone asking for it.
   *
   * @throws KeyUnavailableException when the KEK cannot open the keyset, the archive has none, or
   *     no KEK is given for an archive that has one
   */
  public static Keyring forWriting(ObjectStore store, Optional<? extends KeyEncryptionKey> kek) {
    if (kek.isPresent()) {
      return open(store, kek.get());
    }
    Optional<StoredKeyset> head = new ArchiveKeysets(store).head();
    if (head.isPresent()) {
      String key = ArchiveLayout.keysetKey(head.get().version());
      throw new KeyUnavailableException(
          key,
          store.uri()
              + " is encrypted (keyset "
              + key
              + ", wrapped under "
              + head.get().kek()
              + ") but no key-encryption key was given: refusing to write plaintext into it");
    }
    return none();
  }

  /** {@link #open} when a KEK is given, else {@link #none()}. */
  public static Keyring of(ObjectStore store, Optional<? extends KeyEncryptionKey> kek) {
    return kek.isPresent() ? open(store, kek.get()) : none();
  }

  /** Whether this keyring holds keys (a KEK was given and opened the keyset). */
  public boolean hasKeys() {
    return opened != null;
  }

  /** The keyset version this keyring holds, or -1 without keys. */
  public long version() {
    return opened == null ? -1 : opened.stored().version();
  }

  /** The id of the primary data key, which {@link #encrypt} uses. */
  public long primaryKeyId() {
    return requireKeys("encrypt").stored().primaryKeyId();
  }

  /**
   * The KEK id of a newer keyset version this keyring's KEK could not open (it was rewrapped under
   * another KEK), or empty. The keys held are still valid: a rewrap changes no data key.
   */
  public Optional<String> staleKek() {
    return Optional.ofNullable(staleKek);
  }

  /**
   * Loads a newer keyset version when one exists (one existence check when none does), so that a
   * rotation takes effect from the next object written. A newer version this KEK cannot open (a
   * rewrap) leaves the keys held as they are, and is reported by {@link #staleKek()}.
   */
  public void refreshIfChanged() {
    ArchiveKeysets.Opened current = requireKeys("refresh");
    if (!keysets.exists(current.stored().version() + 1)) {
      return;
    }
    reload();
  }

  private synchronized void reload() {
    StoredKeyset head =
        keysets
            .head()
            .orElseThrow(
                () ->
                    new KeyUnavailableException(
                        ArchiveLayout.keysetPrefix(),
                        "Cannot reload the keyset of " + keysets.uri() + ": it is gone"));
    if (head.version() <= opened.stored().version()) {
      return;
    }
    if (!head.kek().equals(kek.id())) {
      if (staleKek == null) {
        LOG.warn(
            "The keyset of {} was rewrapped under {}: the key-encryption key {} ({}) given here no"
                + " longer opens it. Going on with the data keys held; give the new key before"
                + " the next start",
            keysets.uri(),
            head.kek(),
            kek.id(),
            kek.source());
      }
      staleKek = head.kek();
      if (head.primaryKeyId() == opened.stored().primaryKeyId()) {
        return;
      }
    }
    opened = keysets.open(head, kek);
    staleKek = null;
  }

  /** A sealed object: the stored bytes (header and ciphertext) and the key that sealed them. */
  public record Sealed(byte[] bytes, long keyId) {}

  /**
   * Encrypts {@code plaintext} for {@code place} (see {@link EnvelopeHeader#associatedData}) under
   * the primary data key.
   */
  public Sealed encrypt(byte[] plaintext, String place) {
    long keyId = primaryKeyId();
    EnvelopeHeader header = new EnvelopeHeader(keyId);
    ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 4096);
    out.writeBytes(header.bytes());
    try (OutputStream sealing =
        primitive(keyId, place).newEncryptingStream(out, header.associatedData(place))) {
      sealing.write(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot encrypt " + place + " under key " + keyId, e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encrypt " + place, e);
    }
    return new Sealed(out.toByteArray(), keyId);
  }

  @Override
  public InputStream decrypt(
      InputStream ciphertext, EnvelopeHeader header, String place, String key) {
    if (opened == null) {
      throw new KeyUnavailableException(
          key,
          "Cannot read "
              + key
              + ": it is encrypted with data key "
              + header.keyId()
              + " and no key-encryption key was given (--kek)");
    }
    if (!opened.stored().has(header.keyId())) {
      reload();
    }
    if (!opened.stored().has(header.keyId())) {
      throw new KeyUnavailableException(
          key,
          "Cannot read "
              + key
              + ": it is encrypted with data key "
              + header.keyId()
              + ", which the archive's keyset (version "
              + opened.stored().version()
              + ", "
              + ArchiveLayout.keysetKey(opened.stored().version())
              + ") does not hold");
    }
    try {
      Source source = new Source(ciphertext);
      InputStream plain =
          primitive(header.keyId(), key).newDecryptingStream(source, header.associatedData(place));
      return new Authenticated(plain, source, key, header.keyId());
    } catch (GeneralSecurityException | IOException e) {
      throw new IntegrityException(
          key, "Cannot read " + key + ": fails authentication under data key " + header.keyId(), e);
    }
  }

  private StreamingAead primitive(long keyId, String what) {
    return primitives.computeIfAbsent(keyId, id -> single(id, what));
  }

  private StreamingAead single(long keyId, String what) {
    KeysetHandle handle = opened.handle();
    for (int i = 0; i < handle.size(); i++) {
      KeysetHandle.Entry entry = handle.getAt(i);
      if (Integer.toUnsignedLong(entry.getId()) == keyId) {
        try {
          return KeysetHandle.newBuilder()
              .addEntry(
                  KeysetHandle.importKey(entry.getKey()).withFixedId(entry.getId()).makePrimary())
              .build()
              .getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("Cannot use data key " + keyId + " for " + what, e);
        }
      }
    }
    throw new IllegalStateException("Keyset lists data key " + keyId + " but does not hold it");
  }

  private ArchiveKeysets.Opened requireKeys(String action) {
    ArchiveKeysets.Opened current = opened;
    if (current == null) {
      throw new IllegalStateException("Cannot " + action + ": no key-encryption key was given");
    }
    return current;
  }

  /** The stored bytes, remembering a failure to read them (a storage error, not tampering). */
  private static final class Source extends FilterInputStream {
    private IOException failure;

    Source(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  /**
   * Turns a failed authentication while reading into an integrity error naming the object; a
   * failure to read the stored bytes stays the storage error it is.
   */
  private static final class Authenticated extends FilterInputStream {
    private final Source source;
    private final String key;
    private final long keyId;

    Authenticated(InputStream in, Source source, String key, long keyId) {
      super(in);
      this.source = source;
      this.key = key;
      this.keyId = keyId;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        if (source.failure != null) {
          throw source.failure;
        }
        throw failed(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        if (source.failure != null) {
          throw source.failure;
        }
        throw failed(e);
      }
    }

    private IntegrityException failed(IOException e) {
      return new IntegrityException(
          key,
          "Cannot read "
              + key
              + ": fails authentication under data key "
              + keyId
              + " (tampered, truncated, or moved from another place): "
              + e.getMessage(),
          e);
    }
  }
}
