package io.walstream.cli.local;

import io.walstream.archive.store.FileLocks;
import io.walstream.schemas.error.WalstreamException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker (Kafka's own broker from Maven Central) in a child JVM:
 * configured and formatted under a data directory on first use and reused after, lean on memory,
 * stopped with a clean shutdown on {@link #close()}, and stopping by itself if its parent dies.
 */
public final class LocalBroker implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalBroker.class);

  private final Process process;
  private final String bootstrapServers;
  private final Path log;
  // Held while the broker runs: no second broker may start on the same data directory.
  private final FileChannel lock;

  private LocalBroker(Process process, String bootstrapServers, Path log, FileChannel lock) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
    this.log = log;
    this.lock = lock;
  }

  /**
   * Starts a broker keeping its data under {@code dataDir}, listening on 127.0.0.1:{@code port}
   * (controller on {@code controllerPort}), writing its log to {@code log}; returns once it
   * answers.
   *
   * @throws WalstreamException when it does not start, with the end of its log
   */
  public static LocalBroker start(Path dataDir, int port, int controllerPort, Path log) {
    FileChannel lock = null;
    try {
      Files.createDirectories(dataDir);
      // Before anything is written to the data directory: a second broker on it would rewrite
      // its configuration under the running one and corrupt its metadata log.
      lock = lock(dataDir);
      requireFree(port, "--port");
      requireFree(controllerPort, "--controller-port");
      String clusterId = clusterId(dataDir);
      Path config = writeConfig(dataDir, port, controllerPort);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add("-XX:+UseSerialGC");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(BrokerMain.class.getName());
      command.add(config.toString());
      command.add(clusterId);
      command.add(Long.toString(ProcessHandle.current().pid()));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      LocalBroker broker = new LocalBroker(process, "127.0.0.1:" + port, log, lock);
      broker.awaitReady(clusterId);
      return broker;
    } catch (IOException e) {
      release(lock);
      throw new UncheckedIOException("Cannot start a Kafka broker in " + dataDir, e);
    } catch (RuntimeException e) {
      release(lock);
      throw e;
    }
  }

  /** Locks {@code dataDir} for this process, or says which other broker holds it. */
  private static FileChannel lock(Path dataDir) throws IOException {
    Path file = dataDir.resolve("walstream-broker.lock");
    Optional<FileChannel> held = FileLocks.tryHold(file);
    if (held.isEmpty()) {
      throw new WalstreamException(
          "Cannot start a Kafka broker in "
              + dataDir
              + ": another walstream broker is using that data directory (it holds "
              + file
              + "); stop it first, or give another --data-dir");
    }
    return held.get();
  }

  private static void release(FileChannel lock) {
    if (lock == null) {
      return;
    }
    try {
      lock.close();
    } catch (IOException e) {
      // Closing releases the lock; a failure here changes nothing the caller can act on.
      LOG.debug("Cannot close the broker lock", e);
    }
  }

  /** Refuses a port something already listens on: the ready probe would reach that instead. */
  private static void requireFree(int port, String option) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new WalstreamException(
          "Cannot start a Kafka broker on 127.0.0.1:"
              + port
              + ": the port is in use ("
              + e.getMessage()
              + "); give another "
              + option);
    }
  }

  private static Path writeConfig(Path dataDir, int port, int controllerPort) throws IOException {
    Map<String, String> props = new java.util.LinkedHashMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", dataDir.resolve("kafka-logs").toAbsolutePath().toString());
    props.put("num.partitions", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    // The log cleaner's default 128 MiB dedupe buffer is most of an idle broker's heap.
    props.put("log.cleaner.dedupe.buffer.size", "16777216");
    StringBuilder text = new StringBuilder("# Written by walstream broker; rewritten at start.\n");
    props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Path config = dataDir.resolve("server.properties");
    Files.writeString(config, text, StandardCharsets.UTF_8);
    return config;
  }

  /** The cluster id of this data directory: made once, then kept beside the data. */
  private static String clusterId(Path dataDir) throws IOException {
    Path file = dataDir.resolve("cluster.id");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    String id = Uuid.randomUuid().toString();
    Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
    return id;
  }

  /** Returns once the broker this process started answers, with its own cluster id. */
  private void awaitReady(String clusterId) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
      while (true) {
        requireAlive();
        try {
          String answering = admin.describeCluster().clusterId().get(2, TimeUnit.SECONDS);
          if (!clusterId.equals(answering)) {
            close();
            throw new WalstreamException(
                "Cannot start the Kafka broker: another broker (cluster "
                    + answering
                    + ") answers on "
                    + bootstrapServers);
          }
          return;
        } catch (ExecutionException | TimeoutException notYet) {
          if (System.nanoTime() > deadline) {
            close();
            throw new WalstreamException(
                "Cannot start the Kafka broker: no answer on "
                    + bootstrapServers
                    + " within "
                    + READY_TIMEOUT.toSeconds()
                    + " s ("
                    + notYet
                    + "); end of "
                    + log
                    + ":\n"
                    + tail());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new WalstreamException("Interrupted while starting the Kafka broker", e);
    }
  }

  private void requireAlive() {
    if (!process.isAlive()) {
      throw new WalstreamException(
          "Cannot start the Kafka broker: it exited with "
              + process.exitValue()
              + "; end of "
              + log
              + ":\n"
              + tail());
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The broker process's id. */
  public long pid() {
    return process.pid();
  }

  /** Waits until the broker process ends; its exit code. */
  public int awaitExit() throws InterruptedException {
    return process.waitFor();
  }

  /** Shuts the broker down cleanly (SIGTERM), forcibly after 30 s. */
  @Override
  public void close() {
    try {
      stopProcess();
    } finally {
      release(lock);
    }
  }

  private void stopProcess() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
