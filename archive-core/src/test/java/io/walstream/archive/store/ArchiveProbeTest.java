package io.walstream.archive.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.testing.FaultyObjectStore;
import io.walstream.archive.testing.S3ProxyFixture;
import io.walstream.schemas.error.WalstreamException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveProbeTest {
  @TempDir Path dir;

  @Test
  void shouldLeaveNoObjectWhenTheArchiveIsWritable() {
    FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve("archive"));

    ArchiveProbe.requireWritable(store, "archiver-1");

    assertThat(store.list("", null, 10).objects()).isEmpty();
  }

  @Test
  void shouldNameTheArchiveAndKeyWhenAWriteIsRefused() {
    FaultyObjectStore store =
        new FaultyObjectStore(new InMemoryObjectStore())
            .failOn(FaultyObjectStore.Call.PUT, 1, FaultyObjectStore.Fault.PERMANENT);

    assertThatThrownBy(() -> ArchiveProbe.requireWritable(store, "archiver-1"))
        .isInstanceOf(WalstreamException.class)
        .hasMessageStartingWith("Cannot write to archive " + store.uri())
        .hasMessageContaining(ArchiveLayout.PROBE + "archiver-1-")
        .hasMessageContaining("the archiver must be able to create and delete objects there");
  }

  @Test
  void shouldFailNamingTheBucketWhenItDoesNotExist() {
    URI endpoint = S3ProxyFixture.endpoint();
    String uri =
        "s3://no-such-bucket-walstream/archive?endpoint="
            + endpoint
            + "&region=us-east-1&path-style=true";
    ObjectStore store = ObjectStores.openRaw(ArchiveUri.parse(uri));

    assertThatThrownBy(() -> ArchiveProbe.requireWritable(store, "archiver-1"))
        .isInstanceOf(WalstreamException.class)
        .hasMessageContaining("Cannot write to archive")
        .hasMessageContaining("no-such-bucket-walstream");
  }

  @Test
  void shouldBeAKeyNoReaderTakesForADatabase() {
    String key = ArchiveLayout.probeKey("archiver/1", "n");

    assertThat(key).startsWith("_probe/");
    assertThat(ArchiveLayout.parse(key)).isEmpty();
  }

  @Test
  void shouldLeaveVerifyCleanWhenACrashLeftAProbeBehind() {
    FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve("archive"));
    io.walstream.archive.testing.Records.archive(
        new io.walstream.archive.writer.ArchiveWriter(store, "test"),
        new io.walstream.archive.layout.StreamId("shop", "walstream.changes", 0),
        1,
        2,
        3,
        1);
    store.putIfAbsent(
        ArchiveLayout.probeKey("archiver-1", "left-behind"), ObjectContent.ofBytes(new byte[] {1}));

    io.walstream.archive.verify.ArchiveReport report =
        new io.walstream.archive.verify.ChainVerifier(store).verifyAll();

    assertThat(report.findings()).isEmpty();
    assertThat(report.streams()).hasSize(1);
    assertThat(report.records()).isEqualTo(6);
  }
}
