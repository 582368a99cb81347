package io.walstream.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.InvalidConfigException;
import io.walstream.archive.error.KeyUnavailableException;
import io.walstream.archive.error.PermanentStorageException;
import io.walstream.archive.format.StoredKeyset;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.archive.store.ForwardingObjectStore.Call;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.testing.FaultyObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveKeysetsTest {
  @TempDir Path dir;

  private FileSystemObjectStore store() {
    return new FileSystemObjectStore(dir.resolve("archive"));
  }

  @Test
  void shouldWriteKekOwnerOnlyAndNeverReplaceIt() throws Exception {
    Path file = dir.resolve("kek.json");
    LocalKek kek = LocalKek.create(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(LocalKek.load(file).id()).isEqualTo(kek.id()).startsWith("local:");
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> LocalKek.create(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("exists");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("kek.json");
    }
  }

  @Test
  void shouldRefuseKekFileWithoutQuotingItWhenItIsNotAKeyset() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"secret\":\"hunter2\"}");

    assertThatThrownBy(() -> LocalKek.load(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> LocalKek.load(dir.resolve("missing.json")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("no such file");
  }

  @Test
  void shouldInitRotateAndKeepEveryKeyWhenRotated() {
    LocalKek kek = LocalKek.create(dir.resolve("kek.json"));
    ArchiveKeysets keysets = new ArchiveKeysets(store());

    StoredKeyset first = keysets.init(kek);
    StoredKeyset second = keysets.rotate(kek);

    assertThat(first.version()).isZero();
    assertThat(second.version()).isEqualTo(1);
    assertThat(second.keys()).hasSize(2).first().isEqualTo(first.keys().get(0));
    assertThat(second.primaryKeyId()).isNotEqualTo(first.primaryKeyId());
    assertThat(keysets.open(kek).stored()).isEqualTo(second);
    assertThat(keysets.versions()).containsExactly(first, second);
    assertThatThrownBy(() -> keysets.init(kek))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has one already");
  }

  @Test
  void shouldOpenOnlyWithNewKekAndDeleteOldVersionsWhenRewrapped() {
    LocalKek old = LocalKek.create(dir.resolve("old.json"));
    LocalKek next = LocalKek.create(dir.resolve("new.json"));
    ArchiveKeysets keysets = new ArchiveKeysets(store());
    keysets.init(old);
    StoredKeyset rotated = keysets.rotate(old);

    StoredKeyset rewrapped = keysets.rewrap(old, next);

    assertThat(rewrapped.keys()).isEqualTo(rotated.keys());
    assertThat(rewrapped.primaryKeyId()).isEqualTo(rotated.primaryKeyId());
    assertThat(keysets.open(next).stored()).isEqualTo(rewrapped);
    assertThat(keysets.versions()).containsExactly(rewrapped);
    assertThatThrownBy(() -> keysets.open(old))
        .isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining(old.id())
        .hasMessageContaining("wrapped under " + next.id());
  }

  @Test
  void shouldLeaveOldKekWorkingWhenRewrapFailsBeforeItsClaim() {
    LocalKek old = LocalKek.create(dir.resolve("old.json"));
    LocalKek next = LocalKek.create(dir.resolve("new.json"));
    StoredKeyset initial = new ArchiveKeysets(store()).init(old);
    FaultyObjectStore faulty =
        new FaultyObjectStore(store()).failOn(Call.PUT, 1, FaultyObjectStore.Fault.PERMANENT);

    assertThatThrownBy(() -> new ArchiveKeysets(faulty).rewrap(old, next))
        .isInstanceOf(PermanentStorageException.class);

    assertThat(new ArchiveKeysets(store()).open(old).stored()).isEqualTo(initial);
  }

  @Test
  void shouldFinishRewrapWhenRunAgainAfterFailingToDeleteOldVersions() {
    LocalKek old = LocalKek.create(dir.resolve("old.json"));
    LocalKek next = LocalKek.create(dir.resolve("new.json"));
    new ArchiveKeysets(store()).init(old);
    FaultyObjectStore faulty =
        new FaultyObjectStore(store()).failOn(Call.DELETE, 1, FaultyObjectStore.Fault.PERMANENT);

    assertThatThrownBy(() -> new ArchiveKeysets(faulty).rewrap(old, next))
        .isInstanceOf(PermanentStorageException.class);
    // Interrupted after the claim: the new KEK opens the keyset; the old version is still there.
    ArchiveKeysets keysets = new ArchiveKeysets(store());
    assertThat(keysets.open(next).stored().version()).isEqualTo(1);
    assertThat(keysets.versions()).hasSize(2);

    keysets.rewrap(old, next);

    assertThat(keysets.versions()).extracting(StoredKeyset::version).containsExactly(1L);
  }

  @Test
  void shouldTellLoserToRunAgainWhenAnotherChangeClaimedTheVersion() {
    LocalKek kek = LocalKek.create(dir.resolve("kek.json"));
    FileSystemObjectStore store = store();
    ArchiveKeysets keysets = new ArchiveKeysets(store);
    keysets.init(kek);
    // Another operator's rotation lands between this one's read and its claim.
    io.walstream.archive.store.ObjectStore racing =
        new io.walstream.archive.store.ForwardingObjectStore(store) {
          @Override
          public io.walstream.archive.store.PutOutcome putIfAbsent(
              String key, ObjectContent content) {
            if (key.equals(ArchiveLayout.keysetKey(1)) && store.stat(key).isEmpty()) {
              keysets.rotate(kek);
            }
            return super.putIfAbsent(key, content);
          }
        };

    assertThatThrownBy(() -> new ArchiveKeysets(racing).rotate(kek))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("run it again");
    assertThat(keysets.versions()).hasSize(2);
  }

  @Test
  void shouldRefuseKeysetWhoseMetadataWasEdited() throws Exception {
    LocalKek kek = LocalKek.create(dir.resolve("kek.json"));
    FileSystemObjectStore store = store();
    StoredKeyset stored = new ArchiveKeysets(store).init(kek);
    Path file = dir.resolve("archive").resolve(ArchiveLayout.keysetKey(0));
    // Claim the data key was added a year earlier: canonical JSON, but not what was wrapped.
    String json = Files.readString(file, StandardCharsets.UTF_8);
    String edited = json.replaceFirst("\"createdAt\":\"(\\d{4})", "\"createdAt\":\"1999");
    assertThat(edited).isNotEqualTo(json);
    Files.delete(file);
    Files.writeString(file, edited, StandardCharsets.UTF_8);

    assertThatThrownBy(() -> new ArchiveKeysets(store).open(kek))
        .isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("does not authenticate");
    assertThat(stored.version()).isZero();
  }

  @Test
  void shouldNameTheArchiveWhenItHasNoKeyset() {
    LocalKek kek = LocalKek.create(dir.resolve("kek.json"));

    assertThatThrownBy(() -> new ArchiveKeysets(store()).open(kek))
        .isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("has none")
        .hasMessageContaining("keys init");
  }
}
