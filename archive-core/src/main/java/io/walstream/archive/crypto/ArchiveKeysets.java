package io.walstream.archive.crypto;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.KeyUnavailableException;
import io.walstream.archive.error.OutcomeUnknownException;
import io.walstream.archive.format.KeysetCodec;
import io.walstream.archive.format.StoredKeyset;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectInfo;
import io.walstream.archive.store.ObjectPage;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.PutOutcome;
import io.walstream.schemas.value.Values;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The archive's data keyset, version by version (docs/FORMAT.md §12). Each change (init, rotate,
 * rewrap) writes one new version with put-if-absent at the next version's key, so that a keyset
 * object is whole or absent and two operators changing it at once cannot both win: the loser is
 * told to re-read and run again. The newest version is the keyset; older ones are never read for
 * decryption (a KEK that opens only an older version is not the archive's KEK any more).
 */
public final class ArchiveKeysets {
  private static final int PAGE = 1000;

  private final ObjectStore store;
  private final Clock clock;

  public ArchiveKeysets(ObjectStore store) {
    this(store, Clock.systemUTC());
  }

  ArchiveKeysets(ObjectStore store, Clock clock) {
    Tink.register();
    this.store = store;
    this.clock = clock;
  }

  /** A keyset version opened with its KEK: what is stored and the data keys themselves. */
  public record Opened(StoredKeyset stored, KeysetHandle handle) {}

  /** The archive these keysets belong to. */
  public java.net.URI uri() {
    return store.uri();
  }

  /** Every stored version, oldest first. */
  public List<StoredKeyset> versions() {
    List<StoredKeyset> versions = new ArrayList<>();
    for (String key : keys()) {
      versions.add(read(key));
    }
    return versions;
  }

  /** The newest version, or empty when the archive has no keyset (it is not encrypted). */
  public Optional<StoredKeyset> head() {
    List<String> keys = keys();
    return keys.isEmpty() ? Optional.empty() : Optional.of(read(keys.get(keys.size() - 1)));
  }

  /** Whether version {@code version} exists; one cheap call, for writers watching for rotation. */
  public boolean exists(long version) {
    return store.stat(ArchiveLayout.keysetKey(version)).isPresent();
  }

  /**
   * The newest version, opened with {@code kek}.
   *
   * @throws KeyUnavailableException when the archive has no keyset, or {@code kek} cannot open it
   */
  public Opened open(KeyEncryptionKey kek) {
    StoredKeyset head =
        head()
            .orElseThrow(
                () ->
                    new KeyUnavailableException(
                        ArchiveLayout.keysetPrefix(),
                        "Cannot open the archive's keyset with "
                            + kek.id()
                            + ": "
                            + store.uri()
                            + " has none (create it with walstream keys init)"));
    return open(head, kek);
  }

  /** {@code stored}, opened with {@code kek}. */
  public Opened open(StoredKeyset stored, KeyEncryptionKey kek) {
    String key = ArchiveLayout.keysetKey(stored.version());
    KeysetHandle handle;
    try {
      handle =
          TinkProtoKeysetFormat.parseEncryptedKeyset(
              stored.encryptedKeyset(), kek.aead(), KeysetCodec.associatedData(stored));
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException(
          key,
          "Cannot open keyset "
              + key
              + " with the key-encryption key "
              + kek.id()
              + " ("
              + kek.source()
              + "): it is wrapped under "
              + stored.kek()
              + (stored.kek().equals(kek.id())
                  ? ", and does not authenticate under it (edited or corrupt)"
                  : "; give that key (after a rewrap, the new one)"));
    }
    requireMatches(stored, handle, key);
    return new Opened(stored, handle);
  }

  /**
   * Creates the archive's first keyset: one data key (AES-256-GCM-HKDF streaming, 1 MiB segments)
   * wrapped under {@code kek}.
   *
   * @throws IllegalStateException when the archive already has a keyset
   */
  public StoredKeyset init(KeyEncryptionKey kek) {
    if (head().isPresent()) {
      throw new IllegalStateException(
          "Cannot create the keyset of "
              + store.uri()
              + ": it has one already (rotate its data key with walstream keys rotate)");
    }
    try {
      KeysetHandle handle =
          KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
      long now = nowMicros();
      long id = Integer.toUnsignedLong(handle.getPrimary().getId());
      return claim(
          new StoredKeyset(
              0, kek.id(), now, id, List.of(new StoredKeyset.DataKey(id, now)), new byte[0]),
          handle,
          kek);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot generate a data key", e);
    }
  }

  /** Adds a new data key and makes it primary; the old keys stay for reading. */
  public StoredKeyset rotate(KeyEncryptionKey kek) {
    Opened current = open(kek);
    try {
      KeysetHandle.Builder builder = KeysetHandle.newBuilder(current.handle());
      builder.addEntry(
          KeysetHandle.generateEntryFromParameters(
                  PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB)
              .withRandomId()
              .makePrimary());
      KeysetHandle rotated = builder.build();
      long now = nowMicros();
      long id = Integer.toUnsignedLong(rotated.getPrimary().getId());
      List<StoredKeyset.DataKey> keys = new ArrayList<>(current.stored().keys());
      keys.add(new StoredKeyset.DataKey(id, now));
      return claim(
          new StoredKeyset(current.stored().version() + 1, kek.id(), now, id, keys, new byte[0]),
          rotated,
          kek);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot generate a data key", e);
    }
  }

  /**
   * Wraps the keyset under {@code newKek} instead of {@code kek}, data keys unchanged, then deletes
   * the older versions, which {@code kek} still opens. Idempotent: run again after a crash between
   * the two steps (the newest version then already opens with {@code newKek}), it only deletes.
   */
  public StoredKeyset rewrap(KeyEncryptionKey kek, KeyEncryptionKey newKek) {
    Optional<StoredKeyset> head = head();
    if (head.isPresent() && head.get().kek().equals(newKek.id()) && !kek.id().equals(newKek.id())) {
      open(head.get(), newKek);
      prune(head.get());
      return head.get();
    }
    Opened current = open(kek);
    StoredKeyset s = current.stored();
    StoredKeyset next =
        claim(
            new StoredKeyset(
                s.version() + 1, newKek.id(), nowMicros(), s.primaryKeyId(), s.keys(), new byte[0]),
            current.handle(),
            newKek);
    prune(next);
    return next;
  }

  /** Deletes every version before {@code head} wrapped under another KEK than head's. */
  public void prune(StoredKeyset head) {
    List<String> stale = new ArrayList<>();
    for (StoredKeyset version : versions()) {
      if (version.version() < head.version() && !version.kek().equals(head.kek())) {
        stale.add(ArchiveLayout.keysetKey(version.version()));
      }
    }
    store.deleteAll(stale);
  }

  private StoredKeyset claim(StoredKeyset metadata, KeysetHandle handle, KeyEncryptionKey kek) {
    byte[] ciphertext;
    try {
      ciphertext =
          TinkProtoKeysetFormat.serializeEncryptedKeyset(
              handle, kek.aead(), KeysetCodec.associatedData(metadata));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "Cannot wrap keyset version " + metadata.version() + " under " + kek.id(), e);
    }
    StoredKeyset stored = metadata.withEncryptedKeyset(ciphertext);
    String key = ArchiveLayout.keysetKey(stored.version());
    byte[] bytes = KeysetCodec.encode(stored);
    PutOutcome outcome;
    try {
      outcome = store.putIfAbsent(key, ObjectContent.ofBytes(bytes));
    } catch (OutcomeUnknownException e) {
      // Re-read before deciding: the claim may have landed.
      byte[] landed = store.readAll(key).orElseThrow(() -> e);
      outcome = Arrays.equals(landed, bytes) ? PutOutcome.CREATED : PutOutcome.ALREADY_EXISTS;
    }
    if (outcome == PutOutcome.ALREADY_EXISTS) {
      throw new IllegalStateException(
          "Cannot write keyset "
              + key
              + ": another change of the keyset claimed version "
              + stored.version()
              + " first; nothing was changed by this one: run it again");
    }
    return stored;
  }

  /** Whether {@code handle} holds exactly the keys {@code stored} lists, with the same primary. */
  private static void requireMatches(StoredKeyset stored, KeysetHandle handle, String key) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < handle.size(); i++) {
      ids.add(Integer.toUnsignedLong(handle.getAt(i).getId()));
    }
    List<Long> listed = stored.keys().stream().map(StoredKeyset.DataKey::id).toList();
    long primary = Integer.toUnsignedLong(handle.getPrimary().getId());
    if (!ids.equals(listed) || primary != stored.primaryKeyId()) {
      throw new IntegrityException(
          key,
          "Cannot open keyset "
              + key
              + ": it lists keys "
              + listed
              + " (primary "
              + stored.primaryKeyId()
              + ") but holds "
              + ids
              + " (primary "
              + primary
              + ")");
    }
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    String after = null;
    while (true) {
      ObjectPage page = store.list(ArchiveLayout.keysetPrefix(), after, PAGE);
      for (ObjectInfo info : page.objects()) {
        OptionalLong version = ArchiveLayout.keysetVersion(info.key());
        if (version.isPresent()) {
          keys.add(info.key());
        }
      }
      if (!page.truncated()) {
        return keys;
      }
      after = page.lastKey();
    }
  }

  private StoredKeyset read(String key) {
    byte[] bytes =
        store
            .readAll(key)
            .orElseThrow(
                () -> new IntegrityException(key, "Cannot read keyset " + key + ": vanished"));
    StoredKeyset stored = KeysetCodec.decode(bytes, key);
    if (!key.equals(ArchiveLayout.keysetKey(stored.version()))) {
      throw new IntegrityException(
          key, "Cannot read keyset " + key + ": it says it is version " + stored.version());
    }
    return stored;
  }

  private long nowMicros() {
    return Values.toMicros(clock.instant());
  }
}
