package io.walstream.archive.error;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The one place that decides what a storage failure means (DESIGN invariant 6). Matching is narrow:
 * only the HTTP statuses, S3 error codes and exception types listed here count as transient or
 * outcome-unknown; anything unrecognised is permanent, so that a real problem is reported instead
 * of retried forever.
 *
 * <p>The operation matters: a timeout or reset after a write was sent leaves its outcome unknown,
 * while the same failure on a read is simply transient.
 */
public final class ErrorClassifier {
  /** The kind of storage call that failed. */
  public enum Operation {
    READ("read"),
    WRITE("write"),
    LIST("list"),
    DELETE("delete");

    private final String verb;

    Operation(String verb) {
      this.verb = verb;
    }

    public String verb() {
      return verb;
    }
  }

  private static final Set<Integer> TRANSIENT_STATUSES = Set.of(429, 503);
  private static final Set<Integer> SERVER_ERROR_STATUSES = Set.of(500, 502, 504);

  private ErrorClassifier() {}

  /** Classifies {@code failure} of an {@code operation}. */
  public static ErrorClass classify(Operation operation, Throwable failure) {
    if (failure instanceof TransientStorageException) {
      return ErrorClass.TRANSIENT;
    }
    if (failure instanceof OutcomeUnknownException) {
      return ErrorClass.OUTCOME_UNKNOWN;
    }
    if (failure instanceof PermanentStorageException) {
      return ErrorClass.PERMANENT;
    }
    if (failure instanceof SdkServiceException service) {
      return classifyService(operation, service);
    }
    if (failure instanceof SdkClientException) {
      return classifyClient(operation, failure);
    }
    if (failure instanceof NoSuchFileException) {
      return ErrorClass.NOT_FOUND;
    }
    if (failure instanceof FileAlreadyExistsException) {
      return ErrorClass.ALREADY_EXISTS;
    }
    if (failure instanceof IOException) {
      // A network stream failing mid-body (e.g. reading an S3 object) rather than a local file.
      return classifyNetwork(operation, failure);
    }
    return ErrorClass.PERMANENT;
  }

  private static ErrorClass classifyService(Operation operation, SdkServiceException e) {
    int status = e.statusCode();
    String code =
        e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
            ? aws.awsErrorDetails().errorCode()
            : null;
    if (status == 404) {
      return ErrorClass.NOT_FOUND;
    }
    if (status == 412 && operation == Operation.WRITE) {
      return ErrorClass.ALREADY_EXISTS;
    }
    if (status == 409 && "ConditionalRequestConflict".equals(code)) {
      // A concurrent conditional write to the same key is in flight; retrying resolves it.
      return ErrorClass.TRANSIENT;
    }
    if (TRANSIENT_STATUSES.contains(status)) {
      return ErrorClass.TRANSIENT;
    }
    if (SERVER_ERROR_STATUSES.contains(status)) {
      // The server may have applied a write before failing.
      return operation == Operation.WRITE ? ErrorClass.OUTCOME_UNKNOWN : ErrorClass.TRANSIENT;
    }
    if (status == 400 && "RequestTimeout".equals(code)) {
      // S3 gave up waiting for the request body: nothing was applied.
      return ErrorClass.TRANSIENT;
    }
    return ErrorClass.PERMANENT;
  }

  private static ErrorClass classifyClient(Operation operation, Throwable e) {
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return afterSend(operation);
    }
    return classifyNetwork(operation, e.getCause());
  }

  private static ErrorClass classifyNetwork(Operation operation, Throwable first) {
    for (Throwable cause = first; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        // The connection was never established, so nothing was sent.
        return ErrorClass.TRANSIENT;
      }
      if (cause instanceof SocketTimeoutException
          || cause instanceof SocketException
          || isApacheConnectionLoss(cause)) {
        return afterSend(operation);
      }
      if (cause instanceof ApiCallTimeoutException
          || cause instanceof ApiCallAttemptTimeoutException) {
        return afterSend(operation);
      }
    }
    return ErrorClass.PERMANENT;
  }

  private static boolean isApacheConnectionLoss(Throwable cause) {
    // Apache HttpClient's types for a connection the server closed mid-exchange; matched by name
    // so that this class does not depend on the HTTP client implementation.
    String name = cause.getClass().getName();
    return name.equals("org.apache.http.NoHttpResponseException")
        || name.equals("org.apache.http.ConnectionClosedException")
        || name.equals("org.apache.http.TruncatedChunkException");
  }

  private static ErrorClass afterSend(Operation operation) {
    return operation == Operation.WRITE ? ErrorClass.OUTCOME_UNKNOWN : ErrorClass.TRANSIENT;
  }

  /**
   * The typed exception for a failure that is not an ordinary result, with a message of the form
   * {@code Cannot <verb> object <key>: <reason>}.
   */
  public static StorageException toException(Operation operation, String key, Throwable failure) {
    if (failure instanceof StorageException storage) {
      return storage;
    }
    ErrorClass errorClass = classify(operation, failure);
    String message =
        "Cannot "
            + operation.verb()
            + " object "
            + key
            + ": "
            + describe(failure)
            + " ("
            + errorClass.name().toLowerCase(java.util.Locale.ROOT)
            + ")";
    return switch (errorClass) {
      case TRANSIENT -> new TransientStorageException(message, key, failure);
      case OUTCOME_UNKNOWN -> new OutcomeUnknownException(message, key, failure);
      default -> new PermanentStorageException(message, key, failure);
    };
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    String type = failure.getClass().getSimpleName();
    return message == null ? type : type + ": " + message;
  }
}
