package io.walstream.archive.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.error.ErrorClassifier.Operation;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class ErrorClassifierTest {

  private static S3Exception s3(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
            .message(code)
            .build();
  }

  @ParameterizedTest(name = "{0} {1} on {2} is {3}")
  @CsvSource({
    "404, NoSuchKey, READ, NOT_FOUND",
    "404, NoSuchKey, WRITE, NOT_FOUND",
    "412, PreconditionFailed, WRITE, ALREADY_EXISTS",
    "412, PreconditionFailed, READ, PERMANENT",
    "403, AccessDenied, READ, PERMANENT",
    "403, AccessDenied, WRITE, PERMANENT",
    "400, InvalidRequest, WRITE, PERMANENT",
    "400, RequestTimeout, WRITE, TRANSIENT",
    "409, ConditionalRequestConflict, WRITE, TRANSIENT",
    "409, BucketAlreadyExists, WRITE, PERMANENT",
    "429, TooManyRequests, LIST, TRANSIENT",
    "503, SlowDown, WRITE, TRANSIENT",
    "503, SlowDown, READ, TRANSIENT",
    "500, InternalError, READ, TRANSIENT",
    "500, InternalError, WRITE, OUTCOME_UNKNOWN",
    "502, BadGateway, LIST, TRANSIENT",
    "504, GatewayTimeout, WRITE, OUTCOME_UNKNOWN",
    "501, NotImplemented, READ, PERMANENT",
    "301, PermanentRedirect, READ, PERMANENT",
  })
  void shouldClassifyServiceErrorsByStatusAndCode(
      int status, String code, Operation operation, ErrorClass expected) {
    assertThat(ErrorClassifier.classify(operation, s3(status, code))).isEqualTo(expected);
  }

  @Test
  void shouldTreatConnectionRefusedAsTransientEvenForWrites() {
    SdkClientException e =
        SdkClientException.create(
            "Unable to execute HTTP request", new ConnectException("refused"));

    assertThat(ErrorClassifier.classify(Operation.WRITE, e)).isEqualTo(ErrorClass.TRANSIENT);
  }

  @Test
  void shouldTreatTimeoutAfterSendingAsOutcomeUnknownForWritesAndTransientForReads() {
    SdkClientException e =
        SdkClientException.create(
            "Unable to execute HTTP request", new SocketTimeoutException("Read timed out"));

    assertThat(ErrorClassifier.classify(Operation.WRITE, e)).isEqualTo(ErrorClass.OUTCOME_UNKNOWN);
    assertThat(ErrorClassifier.classify(Operation.READ, e)).isEqualTo(ErrorClass.TRANSIENT);
    assertThat(ErrorClassifier.classify(Operation.LIST, e)).isEqualTo(ErrorClass.TRANSIENT);
  }

  @Test
  void shouldTreatConnectionResetLikeATimeout() {
    SdkClientException e =
        SdkClientException.create(
            "Unable to execute HTTP request", new SocketException("Connection reset"));

    assertThat(ErrorClassifier.classify(Operation.WRITE, e)).isEqualTo(ErrorClass.OUTCOME_UNKNOWN);
    assertThat(ErrorClassifier.classify(Operation.DELETE, e)).isEqualTo(ErrorClass.TRANSIENT);
  }

  @Test
  void shouldTreatSdkCallTimeoutsAsOutcomeUnknownForWrites() {
    ApiCallTimeoutException call = ApiCallTimeoutException.create(1000);
    ApiCallAttemptTimeoutException attempt = ApiCallAttemptTimeoutException.create(1000);

    assertThat(ErrorClassifier.classify(Operation.WRITE, call))
        .isEqualTo(ErrorClass.OUTCOME_UNKNOWN);
    assertThat(ErrorClassifier.classify(Operation.WRITE, attempt))
        .isEqualTo(ErrorClass.OUTCOME_UNKNOWN);
    assertThat(ErrorClassifier.classify(Operation.READ, attempt)).isEqualTo(ErrorClass.TRANSIENT);
  }

  @Test
  void shouldTreatUnrecognisedClientErrorsAsPermanent() {
    SdkClientException e = SdkClientException.create("Unable to load credentials");

    assertThat(ErrorClassifier.classify(Operation.READ, e)).isEqualTo(ErrorClass.PERMANENT);
  }

  @Test
  void shouldMapFileErrorsToContractOutcomesOrPermanent() {
    assertThat(ErrorClassifier.classify(Operation.READ, new NoSuchFileException("/x")))
        .isEqualTo(ErrorClass.NOT_FOUND);
    assertThat(ErrorClassifier.classify(Operation.WRITE, new FileAlreadyExistsException("/x")))
        .isEqualTo(ErrorClass.ALREADY_EXISTS);
    assertThat(ErrorClassifier.classify(Operation.WRITE, new AccessDeniedException("/x")))
        .isEqualTo(ErrorClass.PERMANENT);
    assertThat(
            ErrorClassifier.classify(
                Operation.WRITE, new FileSystemException("/x", null, "No space left on device")))
        .isEqualTo(ErrorClass.PERMANENT);
    assertThat(ErrorClassifier.classify(Operation.READ, new IOException("Input/output error")))
        .isEqualTo(ErrorClass.PERMANENT);
  }

  @Test
  void shouldTreatANetworkStreamFailingMidBodyAsTransientForReads() {
    assertThat(ErrorClassifier.classify(Operation.READ, new SocketException("Connection reset")))
        .isEqualTo(ErrorClass.TRANSIENT);
  }

  @Test
  void shouldTreatUnknownRuntimeExceptionsAsPermanent() {
    assertThat(ErrorClassifier.classify(Operation.READ, new IllegalStateException("bug")))
        .isEqualTo(ErrorClass.PERMANENT);
  }

  @Test
  void shouldKeepTheClassOfAlreadyClassifiedExceptions() {
    assertThat(
            ErrorClassifier.classify(Operation.READ, new TransientStorageException("m", "k", null)))
        .isEqualTo(ErrorClass.TRANSIENT);
    assertThat(
            ErrorClassifier.classify(Operation.WRITE, new OutcomeUnknownException("m", "k", null)))
        .isEqualTo(ErrorClass.OUTCOME_UNKNOWN);
    assertThat(
            ErrorClassifier.classify(
                Operation.WRITE, new PermanentStorageException("m", "k", null)))
        .isEqualTo(ErrorClass.PERMANENT);
  }

  @Test
  void shouldBuildTypedExceptionsNamingVerbAndKey() {
    StorageException e =
        ErrorClassifier.toException(
            Operation.WRITE, "db/wal/t/0/1.manifest.json", s3(503, "SlowDown"));

    assertThat(e).isInstanceOf(TransientStorageException.class);
    assertThat(e.key()).isEqualTo("db/wal/t/0/1.manifest.json");
    assertThat(e.getMessage())
        .startsWith("Cannot write object db/wal/t/0/1.manifest.json: ")
        .contains("SlowDown")
        .endsWith("(transient)");
    assertThat(ErrorClassifier.toException(Operation.READ, "k", s3(403, "AccessDenied")))
        .isInstanceOf(PermanentStorageException.class);
    assertThat(ErrorClassifier.toException(Operation.WRITE, "k", s3(500, "InternalError")))
        .isInstanceOf(OutcomeUnknownException.class);
  }
}
