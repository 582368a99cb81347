package io.walstream.cli.command;

import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walstream archive}: runs the archiver until stopped. */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    header = "Archive change records from Kafka until stopped.",
    description =
        "Archive change records from Kafka into the archive until stopped (Ctrl-C or SIGTERM "
            + "stops gracefully: buffered records are archived and their offsets committed first).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly", "1:stopped by a failure (see the log)", "2:usage error"})
public final class ArchiveCommand implements Callable<Integer> {
  @Mixin AppOptions options;

  @Option(
      names = "--input-topic",
      description = "Topic to archive (repeatable; default walstream.changes).")
  List<String> inputTopics;

  @Override
  public Integer call() throws InterruptedException {
    Logging.service();
    Settings settings =
        options
            .settings(ArchiverConfig.ARCHIVE_URI)
            .put(
                ArchiverConfig.INPUT_TOPICS,
                inputTopics == null ? null : String.join(",", inputTopics));
    ArchiverConfig parsed = ArchiverConfig.parse(settings.map());
    ArchiverApp app = ArchiverApp.start(parsed);
    Thread stopper =
        new Thread(() -> app.close(Duration.ofSeconds(60)), "walstream-archive-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    System.out.printf(
        "Archiving %s from %s into %s%s%n",
        parsed.inputTopics(),
        parsed.bootstrapServers(),
        parsed.archiveUri(),
        app.metricsPort() > 0
            ? " (metrics: http://localhost:" + app.metricsPort() + "/metrics)"
            : "");
    KafkaStreams.State state = app.awaitTermination();
    if (state == KafkaStreams.State.ERROR || app.failure() != null) {
      Throwable failure = app.failure();
      System.err.println(
          "walstream archive: stopped: "
              + (failure == null ? "Kafka Streams ended in state " + state : failure.getMessage()));
      app.close(Duration.ofSeconds(30));
      return failure == null ? ExitCode.FAILURE.code() : ExitCode.of(failure).code();
    }
    return ExitCode.SUCCESS.code();
  }
}
