package io.walstream.cli.command;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.FileAppender;
import io.walstream.cli.demo.Demo;
import io.walstream.cli.demo.DemoDirectory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walstream demo}: the whole system, end to end, on this machine. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Run the whole system locally and check it end to end.",
    description =
        "Start a local Kafka broker, the archiver and the restore service; publish a shop's "
            + "changes (and a few malformed records); restore twice through the command topic; check "
            + "the restored databases against the expected state and verify the archive. An earlier "
            + "demo's data directory is reset. Everything started is stopped at the end, also on "
            + "Ctrl-C.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:everything verified", "1:a check failed (named)", "2:usage error"})
public final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = "walstream-demo",
      description = "Where the demo keeps its data (default: ./${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--verbose", description = "Show the components' logs on the terminal.")
  boolean verbose;

  @Option(
      names = "--encrypted",
      description =
          "Encrypt the archive and sign its manifests, with keys made for the demo in"
              + " DATA-DIR/keys; restores and verify then use them.")
  boolean encrypted;

  @Override
  public Integer call() throws Exception {
    DemoDirectory dir = DemoDirectory.prepare(dataDir);
    System.out.println(
        "walstream demo in "
            + dir.root()
            + (dir.wasReset() ? " (reset: it held an earlier demo)" : " (new)"));
    if (!verbose) {
      logToFile(dir.logs().resolve("demo.log"));
    }
    try (Demo demo =
        new Demo(
            dir,
            System.out,
            encrypted ? Demo.Security.ENCRYPTED_AND_SIGNED : Demo.Security.PLAINTEXT)) {
      Thread stopper = new Thread(demo::close, "walstream-demo-shutdown");
      Runtime.getRuntime().addShutdownHook(stopper);
      return (demo.run() ? ExitCode.SUCCESS : ExitCode.FAILURE).code();
    }
  }

  /** Sends every log line to {@code file} instead of the terminal. */
  private static void logToFile(Path file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
    encoder.start();
    FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setFile(file.toString());
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    root.setLevel(Level.INFO);
    Logging.level("org.apache.kafka", Level.WARN);
  }
}
