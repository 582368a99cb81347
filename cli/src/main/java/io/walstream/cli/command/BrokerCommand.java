package io.walstream.cli.command;

import io.walstream.cli.local.LocalBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walstream broker}: a local single-node Kafka broker. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    header = "Run a single-node Kafka broker for local use.",
    description =
        "Run a real single-node KRaft Kafka broker for local use: formats the data directory on "
            + "first use and reuses it after, prints the bootstrap address when ready, stops cleanly on "
            + "Ctrl-C. Its log goes to broker.log in the data directory.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped",
      "1:the broker failed to start or stopped by itself",
      "2:usage error"
    })
public final class BrokerCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, description = "Where the broker keeps its data.")
  Path dataDir;

  @Option(
      names = "--port",
      defaultValue = "9092",
      description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--controller-port",
      description = "KRaft controller port on 127.0.0.1 (default: --port + 1).")
  Integer controllerPort;

  @Override
  public Integer call() throws InterruptedException {
    Logging.service();
    Path log = dataDir.toAbsolutePath().resolve("broker.log");
    LocalBroker broker =
        LocalBroker.start(
            dataDir.toAbsolutePath(),
            port,
            controllerPort == null ? port + 1 : controllerPort,
            log);
    AtomicBoolean stopping = new AtomicBoolean();
    Thread stopper =
        new Thread(
            () -> {
              stopping.set(true);
              broker.close();
            },
            "walstream-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    System.out.println(
        "Kafka broker ready at "
            + broker.bootstrapServers()
            + " (data in "
            + dataDir.toAbsolutePath()
            + ", log "
            + log
            + "); Ctrl-C stops it");
    int code = broker.awaitExit();
    if (stopping.get()) {
      return ExitCode.SUCCESS.code();
    }
    System.err.println("walstream broker: the broker exited with " + code + "; see " + log);
    return ExitCode.FAILURE.code();
  }
}
