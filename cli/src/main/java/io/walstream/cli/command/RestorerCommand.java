package io.walstream.cli.command;

import io.walstream.restorer.service.RestoreService;
import io.walstream.restorer.service.RestoreServiceConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code walstream restorer}: runs the restore service until stopped. */
@Command(
    name = "restorer",
    mixinStandardHelpOptions = true,
    header = "Run the restore service until stopped.",
    description =
        "Run the restore service: consume restore commands from Kafka, run them as jobs and "
            + "publish their status, until stopped (Ctrl-C or SIGTERM stops gracefully: running jobs "
            + "stop at their next transaction, leave nothing behind and are re-run from the beginning "
            + "on the next start).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly", "1:stopped by a failure (see the log)", "2:usage error"})
public final class RestorerCommand implements Callable<Integer> {
  @Mixin AppOptions options;

  @Override
  public Integer call() throws InterruptedException {
    Logging.service();
    Settings settings = options.settings(RestoreServiceConfig.ARCHIVE_URI);
    RestoreServiceConfig parsed = RestoreServiceConfig.parse(settings.map());
    RestoreService service = RestoreService.start(parsed);
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "walstream-restorer-shutdown"));
    System.out.printf(
        "Restore service %s: commands from %s, status to %s, archive %s%s%n",
        service.instanceId(),
        parsed.commandsTopic(),
        parsed.statusTopic(),
        parsed.archiveUri(),
        service.metricsPort() > 0
            ? " (metrics: http://localhost:" + service.metricsPort() + "/metrics)"
            : "");
    service.awaitTermination();
    if (service.failure() != null) {
      System.err.println("walstream restorer: stopped: " + service.failure().getMessage());
      return ExitCode.of(service.failure()).code();
    }
    return ExitCode.SUCCESS.code();
  }
}
