package io.walstream.topology;

import static org.awaitility.Awaitility.await;

import io.walstream.archiver.testing.ArchiverProcess;
import io.walstream.schemas.testing.ChildJvm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** An archiver in its own JVM that a test can SIGKILL at any moment. */
final class ForkedArchiver implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ForkedArchiver(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ForkedArchiver start(Map<String, Object> settings, Path dir, String name)
      throws IOException {
    Path config = dir.resolve(name + ".properties");
    Properties props = new Properties();
    settings.forEach((k, v) -> props.setProperty(k, String.valueOf(v)));
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, null);
    }
    Path log = dir.resolve(name + ".log");
    Process process =
        new ProcessBuilder(
                ChildJvm.main(
                    List.of("-Xmx256m"), ArchiverProcess.class, List.of(config.toString())))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new ForkedArchiver(process, log);
  }

  /** Waits until the archiver says it started (its Kafka Streams app is running). */
  ForkedArchiver awaitStarted() {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !process.isAlive() || Files.readString(log).contains("started"));
    if (!process.isAlive()) {
      throw new IllegalStateException("archiver exited early; see " + log);
    }
    return this;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no flush, no commit. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** A clean stop (SIGTERM): the archiver archives what it holds and commits. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
