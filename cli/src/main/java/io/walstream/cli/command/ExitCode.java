package io.walstream.cli.command;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.error.WalstreamException;
import picocli.CommandLine;

/**
 * Every exit code of every {@code walstream} command, and the one mapping from a failure's {@link
 * ErrorKind} (raised here, or read from a restore status) to them: a kind means the same code
 * whichever command reports it. Commands list the codes they use in their help.
 */
public enum ExitCode {
  /** Done (for {@code verify}: clean). */
  SUCCESS(0),
  /** Any failure without a code of its own; the line printed says what. */
  FAILURE(1),
  /** A wrong argument, option or setting: nothing was done. */
  USAGE(2),
  /** The target is outside what the archive holds, or past a gap not accepted. */
  TARGET_NOT_RESTORABLE(3),
  /** The archive failed verification (the key is named). */
  INTEGRITY(4),
  /** The restore service refused the command. */
  REJECTED(5),
  /** The job was cancelled. */
  CANCELLED(6),
  /** A bounded wait ({@code --timeout}) ended before the job did. */
  TIMED_OUT(7),
  /** The command id asked about is not known. */
  UNKNOWN_COMMAND_ID(8);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The process exit code. */
  public int code() {
    return code;
  }

  /** The code for a failure of {@code kind}. */
  public static ExitCode of(ErrorKind kind) {
    if (kind == null) {
      return FAILURE;
    }
    return switch (kind) {
      case INTEGRITY -> INTEGRITY;
      case TARGET_NOT_RESTORABLE -> TARGET_NOT_RESTORABLE;
      case REJECTED -> REJECTED;
      case INVALID_CONFIG -> USAGE;
      case CANCELLED -> CANCELLED;
      case TIMED_OUT -> TIMED_OUT;
      case TRANSIENT, PERMANENT, UNKNOWN -> FAILURE;
    };
  }

  /** The code for a failure raised in this process. */
  public static ExitCode of(Throwable failure) {
    if (failure instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    return of(kindOf(failure));
  }

  /**
   * The kind of a failure raised in this process; a usage error is {@link
   * ErrorKind#INVALID_CONFIG}.
   */
  public static ErrorKind kindOf(Throwable failure) {
    if (failure instanceof CommandLine.ParameterException) {
      return ErrorKind.INVALID_CONFIG;
    }
    return WalstreamException.kindOf(failure);
  }

  /** The code for the end of a job, as its terminal status reports it. */
  public static ExitCode of(RestoreStatus status) {
    if (status.getState() == JobState.SUCCEEDED) {
      return SUCCESS;
    }
    if (status.getState() == JobState.REJECTED) {
      return REJECTED;
    }
    if (status.getState() == JobState.CANCELLED) {
      return CANCELLED;
    }
    if (status.getErrorKind() != null) {
      return of(status.getErrorKind());
    }
    // A service of version 3 or older names the Java exception instead of a kind.
    String error = status.getErrorClass() == null ? "" : status.getErrorClass();
    if (error.equals("TargetNotRestorableException")) {
      return TARGET_NOT_RESTORABLE;
    }
    return error.equals("IntegrityException") ? INTEGRITY : FAILURE;
  }
}
