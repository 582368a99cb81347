package io.walstream.archive.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.format.Sha256;
import io.walstream.schemas.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process at the worst moments and checks that no partial object is ever visible: a
 * crash leaves either no object or the whole object, and a later put of the same key works.
 */
class FileSystemCrashIT {
  @TempDir Path root;

  private Process child(String... args) throws IOException {
    List<String> command =
        ChildJvm.main(List.of("-Xmx256m"), FileSystemCrashChild.class, List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  @Test
  void shouldLeaveNoObjectWhenKilledBetweenTempWriteAndLink() throws Exception {
    Process process = child(root.toString(), "halt-before-link");

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(137);
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    assertThat(store.stat("crash/victim")).isEmpty();
    assertThat(store.list("crash/", null, 10).objects()).isEmpty();
    try (Stream<Path> files = Files.list(root.resolve("crash"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .singleElement()
          .satisfies(name -> assertThat(name).startsWith(".victim.").endsWith(".tmp"));
    }
    assertThat(store.putIfAbsent("crash/victim", ObjectContent.ofBytes(new byte[] {1})))
        .isEqualTo(PutOutcome.CREATED);
  }

  @Test
  void shouldShowOnlyWholeObjectsWhenKilledAtRandomMoments() throws Exception {
    long killed = 0;
    for (int round = 0; round < 4; round++) {
      Process process = child(root.toString(), "loop", Long.toString(round));
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      // Let it write for a while, a different while each round, then kill it mid-stride.
      Awaitility.await()
          .pollDelay(Duration.ofMillis(300L + 250L * round))
          .atMost(Duration.ofSeconds(5))
          .until(process::isAlive);
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      killed++;
    }

    FileSystemObjectStore store = new FileSystemObjectStore(root);
    List<ObjectInfo> objects = store.list("loop/", null, 100_000).objects();
    assertThat(killed).isEqualTo(4);
    assertThat(objects).isNotEmpty();
    for (ObjectInfo object : objects) {
      byte[] bytes = store.readAll(object.key()).orElseThrow();
      String expectedSha = object.key().substring(object.key().indexOf('-') + 1);
      assertThat(Sha256.hex(bytes)).as("content of %s", object.key()).isEqualTo(expectedSha);
    }
  }
}
