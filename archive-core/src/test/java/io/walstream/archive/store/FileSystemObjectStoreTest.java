package io.walstream.archive.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemObjectStoreTest extends ObjectStoreContract {
  @TempDir Path root;

  @Override
  protected ObjectStore newStore() {
    return new FileSystemObjectStore(root);
  }

  @Test
  void shouldIgnoreLeftoverTemporaryFilesWhenReadingAndListing() throws IOException {
    Files.createDirectories(root.resolve("s"));
    Files.writeString(root.resolve("s/.0001.manifest.json.abc.tmp"), "partial");
    store.putIfAbsent("s/0002.manifest.json", text("whole"));

    assertThat(allKeys("s/", null, 100)).containsExactly("s/0002.manifest.json");
    assertThat(store.putIfAbsent("s/0001.manifest.json", text("claimed")))
        .isEqualTo(PutOutcome.CREATED);
    assertThat(read(store, "s/0001.manifest.json")).isEqualTo("claimed");
  }

  @Test
  void shouldRefuseARootThatIsAFileNamingIt() throws IOException {
    Path file = Files.writeString(root.resolve("not-a-directory"), "x");

    assertThatThrownBy(() -> new FileSystemObjectStore(file))
        .isInstanceOf(ArchiveNotFoundException.class)
        .hasMessageContaining("not-a-directory")
        .hasMessageContaining("it is a file, not a directory");
    assertThatThrownBy(() -> FileSystemObjectStore.existing(root.resolve("missing")))
        .isInstanceOf(ArchiveNotFoundException.class)
        .hasMessageContaining("it does not exist");
    assertThat(root.resolve("missing")).doesNotExist();
  }

  @Test
  void shouldLeaveNoTemporaryFileWhenPutSucceedsOrLoses() throws IOException {
    store.putIfAbsent("t/x", text("one"));
    store.putIfAbsent("t/x", text("two"));

    try (Stream<Path> files = Files.list(root.resolve("t"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("x");
    }
  }

  @Test
  void shouldNotReportDirectoriesAsObjects() {
    store.putIfAbsent("dir/inner/x", text("x"));

    assertThat(store.stat("dir/inner")).isEmpty();
    assertThat(store.delete("dir/inner")).isFalse();
  }

  @Test
  void shouldNameTheFileUriWhenAsked() {
    assertThat(store.uri().getScheme()).isEqualTo("file");
    assertThat(Path.of(store.uri())).isEqualTo(root.toAbsolutePath());
  }
}
