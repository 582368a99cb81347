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
  SUCCESS(0, "success"),
  /** Any failure without a code of its own; the line printed says what. */
  FAILURE(1, "a failure without a code of its own (the line printed says what)"),
  /** A wrong argument, option or setting: nothing was done. */
  USAGE(2, "a wrong argument, option, file name or setting; nothing was done"),
  /** The target is outside what the archive holds, or past a gap not accepted. */
  TARGET_NOT_RESTORABLE(3, "the target is outside the archive, or past a gap not accepted"),
  /** The archive failed verification (the key is named). */
  INTEGRITY(4, "the archive failed verification (the key is named)"),
  /** The restore service refused the command. */
  REJECTED(5, "the restore service refused the command"),
  /** The job was cancelled. */
  CANCELLED(6, "the job was cancelled"),
  /** A bounded wait ({@code --timeout}) ended before the job did. */
  TIMED_OUT(7, "--timeout passed before the job ended"),
  /** The command id asked about is not known. */
  UNKNOWN_COMMAND_ID(8, "the command id asked about is not known"),
  /** Kafka refused the credentials, or an ACL is missing (principal, operation, resource named). */
  NOT_AUTHORIZED(
      9,
      "Kafka refused the credentials, or an ACL is missing (principal, operation and resource named)");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** What the code means, whichever command exits with it. */
  public String meaning() {
    return meaning;
  }

  /** Every code and its meaning, in order, for help texts. */
  public static java.util.Map<String, String> helpList() {
    java.util.Map<String, String> list = new java.util.LinkedHashMap<>();
    for (ExitCode c : values()) {
      list.put(Integer.toString(c.code), c.meaning);
    }
    return list;
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
      case NOT_AUTHORIZED -> NOT_AUTHORIZED;
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
