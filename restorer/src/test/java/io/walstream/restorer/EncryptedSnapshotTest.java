package io.walstream.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.crypto.ArchiveKeysets;
import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.crypto.LocalKek;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.KeyUnavailableException;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.format.SnapshotCodec;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.verify.ArchiveReport;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.snapshot.SnapshotBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of an encrypted archive: chunks encrypted like segments and bound to their snapshot and
 * index; a restore from one equals a replay of a plaintext twin; without the key everything but the
 * rows verifies; a chunk moved to another index fails authentication.
 */
class EncryptedSnapshotTest {
  private static final long SEED = 23;

  @TempDir Path dir;
  private RestorerTest history;
  private LocalKek kek;
  private Keyring keys;

  @BeforeEach
  void archive() {
    history = new RestorerTest();
    kek = LocalKek.create(dir.resolve("kek.json"));
    new ArchiveKeysets(history.store).init(kek);
    keys = Keyring.open(history.store, kek);
    history.keys = keys;
    history.archive(200, SEED);
  }

  private StoredSnapshot snapshot() {
    long at = history.transactions.get(120).get(0).getLsn();
    return new SnapshotBuilder(new ArchiveReader(history.store, keys), "snapshot-test", 7)
        .build("shop", new RestoreTarget.AtLsn(at), GapPolicy.REFUSE, dir)
        .snapshot();
  }

  @Test
  void shouldEncryptEveryChunkAndRestoreEqualToAPlaintextTwinsReplay() throws Exception {
    StoredSnapshot stored = snapshot();
    Snapshot s = stored.snapshot();
    RestorerTest twin = new RestorerTest();
    twin.archive(200, SEED);
    Path fromSnapshot = dir.resolve("snapshot.db");
    Path replayed = dir.resolve("replayed.db");

    Restorer.Result a =
        new Restorer(new ArchiveReader(history.store, keys), 2)
            .restore("shop", new RestoreTarget.Latest(), SqliteSink.open(fromSnapshot, false));
    new Restorer(twin.store)
        .using(Restorer.SnapshotUse.IGNORE)
        .restore("shop", new RestoreTarget.Latest(), SqliteSink.open(replayed, false));

    assertThat(s.formatVersion()).isEqualTo(Snapshot.ENCRYPTED_FORMAT_VERSION);
    assertThat(s.chunks())
        .hasSizeGreaterThan(2)
        .allMatch(c -> c.encryption() != null && c.encryption().keyId() == keys.primaryKeyId());
    assertThat(a.plan().snapshot().key()).isEqualTo(stored.key());
    assertThat(RestorerTest.actual(fromSnapshot)).isEqualTo(RestorerTest.actual(replayed));
    assertThat(SnapshotCodec.decode(SnapshotCodec.encode(s), stored.key())).isEqualTo(s);
    assertThat(io.walstream.archive.crypto.KeyUsage.of(new ArchiveReader(history.store)).chunks())
        .containsExactly(java.util.Map.entry(keys.primaryKeyId(), (long) s.chunks().size()));
  }

  @Test
  void shouldVerifyAllButRowsWithoutKeyAndRefuseRestoringFromItWithoutKey() {
    snapshot();

    ArchiveReport without = new ChainVerifier(history.store).verifyAll();
    ArchiveReport with = new ChainVerifier(history.store, keys).verifyAll();

    assertThat(without.clean()).as("%s", without.errors()).isTrue();
    assertThat(with.clean()).as("%s", with.errors()).isTrue();
    assertThatThrownBy(
            () ->
                new Restorer(history.store)
                    .restore(
                        "shop",
                        new RestoreTarget.Latest(),
                        SqliteSink.open(dir.resolve("no-key.db"), false)))
        .isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("--kek");
    assertThat(dir.resolve("no-key.db")).doesNotExist();
  }

  @Test
  void shouldFailAuthenticationWhenTwoChunksSwapPlaces() {
    StoredSnapshot stored = snapshot();
    Snapshot s = stored.snapshot();
    // Swap the first two chunk entries of one table: every hash still matches its object.
    List<Snapshot.Chunk> chunks = new ArrayList<>(s.chunks());
    int i = firstPairOfOneTable(chunks);
    Snapshot.Chunk first = chunks.get(i);
    chunks.set(i, chunks.get(i + 1));
    chunks.set(i + 1, first);
    Snapshot forged = io.walstream.archive.testing.ManifestEdits.withChunks(s, chunks);
    history.store.delete(stored.key());
    history.store.putIfAbsent(stored.key(), ObjectContent.ofBytes(SnapshotCodec.encode(forged)));

    assertThat(new ChainVerifier(history.store).verifyAll().clean()).isTrue();
    List<Finding> errors = new ChainVerifier(history.store, keys).verifyAll().errors();
    assertThat(errors)
        .hasSize(2)
        .allMatch(f -> f.kind() == Finding.Kind.SNAPSHOT_CHUNK_MISMATCH)
        .allMatch(f -> f.detail().contains("fails authentication"));
    assertThatThrownBy(
            () ->
                new Restorer(new ArchiveReader(history.store, keys), 2)
                    .restore(
                        "shop",
                        new RestoreTarget.Latest(),
                        SqliteSink.open(dir.resolve("forged.db"), false)))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("fails authentication");
    assertThat(ArchiveLayout.parse(chunks.get(i).key())).isPresent();
  }

  @Test
  void shouldRefuseToBuildFromAnUnsignedArchiveWhenGivenAPublicKey() {
    java.nio.file.Path publicKey =
        io.walstream.archive.crypto.ManifestSigner.create(dir.resolve("signing.json"));
    SnapshotBuilder builder =
        new SnapshotBuilder(
            new ArchiveReader(
                history.store, keys, io.walstream.archive.verify.SignatureCheck.load(publicKey)),
            "snapshot-test",
            7);

    assertThatThrownBy(
            () -> builder.build("shop", new RestoreTarget.Latest(), GapPolicy.REFUSE, dir))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("MISSING_SIGNATURE");
    assertThat(
            new io.walstream.archive.read.Snapshots(new ArchiveReader(history.store))
                .listAll("shop"))
        .isEmpty();
  }

  private static int firstPairOfOneTable(List<Snapshot.Chunk> chunks) {
    for (int i = 0; i + 1 < chunks.size(); i++) {
      if (chunks.get(i).table().equals(chunks.get(i + 1).table())) {
        return i;
      }
    }
    throw new IllegalStateException("no table with two chunks: " + chunks);
  }
}
