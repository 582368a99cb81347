package io.walstream.cli.command;

import io.walstream.restorer.service.RestoreClient;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.value.Values;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walstream restore-status}: the restore service's jobs and their states. */
@Command(
    name = "restore-status",
    mixinStandardHelpOptions = true,
    header = "List restore jobs and their latest states.",
    description = "List restore jobs and their latest states, as the status topic holds them.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "1:failure", "2:usage error", "8:--command-id is not known"})
public final class RestoreStatusCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin VerboseOption verbose;

  @Mixin ServiceTopicsOption service;

  @Option(names = "--command-id", description = "Only this job.")
  String commandId;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    RestoreClient client = service.client(spec.commandLine());
    List<RestoreStatus> jobs =
        client.jobs().stream()
            .filter(s -> commandId == null || s.getCommandId().equals(commandId))
            .sorted(Comparator.comparing(RestoreStatus::getUpdatedAt))
            .toList();
    if (json) {
      System.out.println(JsonOutput.write(jobs.stream().map(StatusText::json).toList()));
    } else if (jobs.isEmpty()) {
      System.out.println(commandId == null ? "No restore jobs." : "No job " + commandId + ".");
    } else {
      System.out.printf("%-27s  %-9s  %-12s  %s%n", "updated", "state", "database", "job");
      for (RestoreStatus s : jobs) {
        System.out.printf(
            "%-27s  %-9s  %-12s  %s%n",
            Values.formatTimestamp(s.getUpdatedAt()),
            s.getState(),
            s.getDatabase() == null ? "-" : s.getDatabase(),
            StatusText.summary(s));
      }
    }
    return (commandId != null && jobs.isEmpty() ? ExitCode.UNKNOWN_COMMAND_ID : ExitCode.SUCCESS)
        .code();
  }
}
