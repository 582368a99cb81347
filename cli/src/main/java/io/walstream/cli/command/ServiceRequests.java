package io.walstream.cli.command;

import io.walstream.restorer.service.RestoreClient;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends a command to the restore service and, when asked, follows it to its end: what {@code
 * request-restore} and {@code request-snapshot} share.
 */
final class ServiceRequests {
  private ServiceRequests() {}

  /**
   * Sends {@code command}, prints {@code requested}, and with {@code follow} waits up to {@code
   * timeout} (sending included) for its end; returns the exit code.
   */
  static int send(
      RestoreClient client,
      RestoreCommand command,
      String requested,
      Duration timeout,
      Follow follow,
      String commandName) {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (follow == Follow.WAIT) {
      client.send(command, timeout);
    } else {
      client.send(command);
    }
    System.out.println(requested);
    if (follow == Follow.NO) {
      return ExitCode.SUCCESS.code();
    }
    StatusBar bar = new StatusBar();
    Optional<RestoreStatus> end;
    try {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      end = client.awaitOwn(command, left, bar::show);
    } finally {
      bar.done();
    }
    if (end.isEmpty()) {
      System.err.println(
          "walstream "
              + commandName
              + ": job "
              + command.getCommandId()
              + " did not finish within "
              + timeout);
      return ExitCode.TIMED_OUT.code();
    }
    System.out.println(StatusText.summary(end.get()));
    return ExitCode.of(end.get()).code();
  }

  /** Whether to follow the job after sending it. */
  enum Follow {
    NO,
    WAIT
  }
}
