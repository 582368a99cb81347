package io.walstream.archive.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@link ObjectStore} contract, run against every implementation. */
public abstract class ObjectStoreContract {
  protected ObjectStore store;

  /** A new, empty store. */
  protected abstract ObjectStore newStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static ObjectContent text(String text) {
    return ObjectContent.ofBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  protected static String read(ObjectStore store, String key) {
    return new String(store.readAll(key).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldCreateObjectWhenKeyIsAbsent() {
    assertThat(store.putIfAbsent("db/wal/a.json", text("hello"))).isEqualTo(PutOutcome.CREATED);

    assertThat(read(store, "db/wal/a.json")).isEqualTo("hello");
    assertThat(store.stat("db/wal/a.json"))
        .hasValueSatisfying(
            info -> {
              assertThat(info.key()).isEqualTo("db/wal/a.json");
              assertThat(info.size()).isEqualTo(5);
            });
  }

  @Test
  void shouldReportWhenAnObjectWasWrittenWhenStatedAndListed() {
    java.time.Instant before = java.time.Instant.now().minusSeconds(60);
    store.putIfAbsent("k/dated", text("x"));
    java.time.Instant after = java.time.Instant.now().plusSeconds(60);

    // Stores keep their own clocks (S3 records whole seconds): a minute either way is the bound.
    assertThat(store.stat("k/dated").orElseThrow().lastModified()).isBetween(before, after);
    assertThat(store.list("k/", null, 10).objects())
        .singleElement()
        .satisfies(info -> assertThat(info.lastModified()).isBetween(before, after));
  }

  @Test
  void shouldStoreAKeyWhoseComponentsAreAsLongAsTheLayoutAllows() {
    // The partition index entry of the longest topic and database names (255 encoded characters).
    String key =
        io.walstream.archive.layout.ArchiveLayout.partitionIndexKey(
            new io.walstream.archive.layout.StreamId(
                "é".repeat(42) + "abc", "t".repeat(249), Integer.MAX_VALUE));

    assertThat(store.putIfAbsent(key, text("entry"))).isEqualTo(PutOutcome.CREATED);
    assertThat(store.putIfAbsent(key, text("other"))).isEqualTo(PutOutcome.ALREADY_EXISTS);
    assertThat(read(store, key)).isEqualTo("entry");
    assertThat(allKeys(key.substring(0, key.lastIndexOf('/') + 1), null, 10)).containsExactly(key);
  }

  @Test
  void shouldDeleteEveryListedObjectInBatchesAndIgnoreMissingKeys() {
    // 1 002 keys to delete: more than one S3 DeleteObjects request holds.
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1503; i++) {
      String key = String.format("batch/%04d", i);
      store.putIfAbsent(key, text("x"));
      if (i % 3 != 0) {
        keys.add(key);
      }
    }
    keys.add(500, "batch/never-written");
    store.putIfAbsent("other/kept", text("y"));

    store.deleteAll(keys);

    List<String> left = allKeys("batch/", null, 100);
    assertThat(left).hasSize(501).contains("batch/0000", "batch/1500").doesNotContain("batch/1501");
    assertThat(left).allSatisfy(k -> assertThat(Integer.parseInt(k.substring(6)) % 3).isZero());
    assertThat(store.stat("other/kept")).isPresent();
  }

  @Test
  void shouldKeepOriginalWhenKeyAlreadyExists() {
    store.putIfAbsent("k/one", text("first"));

    assertThat(store.putIfAbsent("k/one", text("second"))).isEqualTo(PutOutcome.ALREADY_EXISTS);
    assertThat(read(store, "k/one")).isEqualTo("first");
  }

  @Test
  void shouldStoreEmptyObjectWhenContentIsEmpty() {
    assertThat(store.putIfAbsent("k/empty", ObjectContent.ofBytes(new byte[0])))
        .isEqualTo(PutOutcome.CREATED);

    assertThat(store.readAll("k/empty")).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(store.stat("k/empty").map(ObjectInfo::size)).contains(0L);
  }

  @Test
  void shouldReturnEmptyWhenObjectIsMissing() {
    assertThat(store.open("no/such")).isEmpty();
    assertThat(store.readAll("no/such")).isEmpty();
    assertThat(store.stat("no/such")).isEmpty();
  }

  @Test
  void shouldListInKeyOrderWhenKeysInterleaveSlashesAndDashes() {
    for (String key : List.of("p/a/b", "p/a-c", "p/a.d", "p/a0", "p/b", "q/a", "p/a/a/z")) {
      store.putIfAbsent(key, text(key));
    }

    List<String> keys = allKeys("p/", null, 1000);

    assertThat(keys).containsExactly("p/a-c", "p/a.d", "p/a/a/z", "p/a/b", "p/a0", "p/b");
  }

  @Test
  void shouldListOnlyKeysMatchingAPartialPrefix() {
    for (String key : List.of("s/0001.m", "s/0001-x.seg", "s/0002.m", "s/01", "t/0001.m")) {
      store.putIfAbsent(key, text(key));
    }

    assertThat(allKeys("s/000", null, 1000))
        .containsExactly("s/0001-x.seg", "s/0001.m", "s/0002.m");
  }

  @Test
  void shouldPageAndResumeAfterKeyWhenListingIsTruncated() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String key = String.format("page/%04x/obj", i);
      store.putIfAbsent(key, text("x"));
      expected.add(key);
    }

    ObjectPage first = store.list("page/", null, 10);
    assertThat(first.objects()).hasSize(10);
    assertThat(first.truncated()).isTrue();
    assertThat(allKeys("page/", null, 7)).containsExactlyElementsOf(expected);
    assertThat(allKeys("page/", "page/0013/obj", 1000))
        .containsExactlyElementsOf(expected.subList(20, 25));
    ObjectPage last = store.list("page/", "page/0013/obj", 1000);
    assertThat(last.truncated()).isFalse();
  }

  @Test
  void shouldListNothingWhenPrefixHasNoObjects() {
    assertThat(store.list("nothing/", null, 10).objects()).isEmpty();
    assertThat(store.list("nothing/", null, 10).truncated()).isFalse();
  }

  @Test
  void shouldDeleteOnlyExistingObjects() {
    store.putIfAbsent("d/x", text("x"));

    assertThat(store.delete("d/x")).isTrue();
    assertThat(store.delete("d/x")).isFalse();
    assertThat(store.stat("d/x")).isEmpty();
    assertThat(store.putIfAbsent("d/x", text("again"))).isEqualTo(PutOutcome.CREATED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/abs",
        "a//b",
        "a/../b",
        "../x",
        "a/./b",
        "a/.hidden",
        "trailing/",
        "sp ace",
        "tab\tx",
        "ü",
        "back\\slash"
      })
  void shouldRejectInvalidKeysWhenPutting(String key) {
    assertThatThrownBy(() -> store.putIfAbsent(key, text("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid object key");
  }

  @Test
  void shouldLetExactlyOneWriterWinWhenPutsRace() throws Exception {
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<PutOutcome>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String content = "writer-" + i;
        Callable<PutOutcome> put =
            () -> {
              start.await();
              return store.putIfAbsent("race/key", text(content));
            };
        results.add(pool.submit(put));
      }
      start.countDown();
      int created = 0;
      for (Future<PutOutcome> result : results) {
        if (result.get() == PutOutcome.CREATED) {
          created++;
        }
      }
      assertThat(created).isEqualTo(1);
      assertThat(read(store, "race/key")).startsWith("writer-");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldRoundTripLargeObjectsWhenPutFromAFile() throws IOException {
    byte[] bytes = new byte[largeObjectSize()];
    new Random(42).nextBytes(bytes);
    java.nio.file.Path file = java.nio.file.Files.createTempFile("walstream", ".bin");
    try {
      java.nio.file.Files.write(file, bytes);

      assertThat(store.putIfAbsent("big/object", ObjectContent.ofFile(file)))
          .isEqualTo(PutOutcome.CREATED);
      assertThat(store.readAll("big/object"))
          .hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
      assertThat(store.putIfAbsent("big/object", ObjectContent.ofFile(file)))
          .isEqualTo(PutOutcome.ALREADY_EXISTS);
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  /** Size of the large-object test; S3 overrides it to cross its multipart threshold. */
  protected int largeObjectSize() {
    return 3 * 1024 * 1024 + 17;
  }

  protected List<String> allKeys(String prefix, String startAfter, int pageSize) {
    List<String> keys = new ArrayList<>();
    String after = startAfter;
    while (true) {
      ObjectPage page = store.list(prefix, after, pageSize);
      page.objects().forEach(o -> keys.add(o.key()));
      if (!page.truncated()) {
        return keys;
      }
      after = page.lastKey();
    }
  }
}
