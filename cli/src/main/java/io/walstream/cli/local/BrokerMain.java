package io.walstream.cli.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The entry point of the local broker's own JVM: {@code BrokerMain <server.properties> <cluster id>
 * <parent pid>}. Formats the log directory on first use, stops when the process that started it is
 * gone (even if it was killed), and runs Kafka's own broker main.
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) throws IOException {
    Path config = Path.of(args[0]);
    String clusterId = args[1];
    long parent = Long.parseLong(args[2]);
    ProcessHandle.of(parent)
        .ifPresentOrElse(p -> p.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
    Properties props = new Properties();
    try (var in = Files.newInputStream(config)) {
      props.load(in);
    }
    Path logDir = Path.of(props.getProperty("log.dirs"));
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      int formatted =
          kafka.tools.StorageTool.execute(
              new String[] {"format", "-t", clusterId, "-c", config.toString()}, System.out);
      if (formatted != 0) {
        System.err.println("Cannot format " + logDir + ": storage tool exited " + formatted);
        System.exit(2);
      }
    }
    kafka.Kafka.main(new String[] {config.toString()});
  }
}
