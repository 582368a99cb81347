package io.walstream.archive.store;

import io.walstream.archive.error.ErrorClass;
import io.walstream.archive.error.ErrorClassifier;
import io.walstream.archive.error.ErrorClassifier.Operation;
import io.walstream.archive.error.PermanentStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} on S3 or an S3-compatible service.
 *
 * <p>Put-if-absent is a conditional write ({@code If-None-Match: *}): the service answers 412 when
 * the key exists, which is {@link PutOutcome#ALREADY_EXISTS}. Objects larger than the multipart
 * threshold are uploaded in parts and completed with the same condition, so they too appear whole
 * or not at all; a failed multipart upload is aborted. The SDK's own retries are off: retrying is
 * {@link RetryingObjectStore}'s job, with the classification of {@link ErrorClassifier}.
 */
public final class S3ObjectStore implements ObjectStore {
  private final S3Client client;
  private final S3Location location;

  public S3ObjectStore(S3Client client, S3Location location) {
    this.client = client;
    this.location = location;
  }

  private String fullKey(String key) {
    return location.prefix() + ObjectKeys.requireValid(key);
  }

  @Override
  public PutOutcome putIfAbsent(String key, ObjectContent content) {
    String fullKey = fullKey(key);
    try {
      if (content.length() > location.multipartThreshold()) {
        return putMultipart(fullKey, content);
      }
      client.putObject(
          b -> b.bucket(location.bucket()).key(fullKey).ifNoneMatch("*"),
          RequestBody.fromBytes(content.toBytes()));
      return PutOutcome.CREATED;
    } catch (SdkException | IOException e) {
      if (ErrorClassifier.classify(Operation.WRITE, e) == ErrorClass.ALREADY_EXISTS) {
        return PutOutcome.ALREADY_EXISTS;
      }
      throw ErrorClassifier.toException(Operation.WRITE, key, e);
    }
  }

  private PutOutcome putMultipart(String fullKey, ObjectContent content) throws IOException {
    String uploadId =
        client.createMultipartUpload(b -> b.bucket(location.bucket()).key(fullKey)).uploadId();
    boolean completed = false;
    try {
      List<CompletedPart> parts = uploadParts(fullKey, uploadId, content);
      client.completeMultipartUpload(
          b ->
              b.bucket(location.bucket())
                  .key(fullKey)
                  .uploadId(uploadId)
                  .ifNoneMatch("*")
                  .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
      completed = true;
      return PutOutcome.CREATED;
    } finally {
      if (!completed) {
        abortQuietly(fullKey, uploadId);
      }
    }
  }

  private List<CompletedPart> uploadParts(String fullKey, String uploadId, ObjectContent content)
      throws IOException {
    List<CompletedPart> parts = new ArrayList<>();
    int partSize = location.partSize();
    try (InputStream in = content.open()) {
      for (int number = 1; ; number++) {
        byte[] part = in.readNBytes(partSize);
        if (part.length == 0) {
          break;
        }
        int partNumber = number;
        String etag =
            client
                .uploadPart(
                    b ->
                        b.bucket(location.bucket())
                            .key(fullKey)
                            .uploadId(uploadId)
                            .partNumber(partNumber),
                    RequestBody.fromBytes(part))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
    }
    return parts;
  }

  private void abortQuietly(String fullKey, String uploadId) {
    try {
      client.abortMultipartUpload(b -> b.bucket(location.bucket()).key(fullKey).uploadId(uploadId));
    } catch (SdkException e) {
      // The upload's parts are invisible; a bucket lifecycle rule reclaims them.
      org.slf4j.LoggerFactory.getLogger(S3ObjectStore.class)
          .warn("Cannot abort multipart upload {} of {}: {}", uploadId, fullKey, e.toString());
    }
  }

  @Override
  public Optional<InputStream> open(String key) {
    return get(key, null);
  }

  private Optional<InputStream> get(String key, String range) {
    String fullKey = fullKey(key);
    try {
      return Optional.of(
          client.getObject(b -> b.bucket(location.bucket()).key(fullKey).range(range)));
    } catch (SdkException e) {
      ErrorClass errorClass = ErrorClassifier.classify(Operation.READ, e);
      if (errorClass == ErrorClass.NOT_FOUND) {
        return Optional.empty();
      }
      if (range != null && isUnsatisfiableRange(e)) {
        return Optional.of(InputStream.nullInputStream());
      }
      throw ErrorClassifier.toException(Operation.READ, key, e);
    }
  }

  private static boolean isUnsatisfiableRange(SdkException e) {
    return e instanceof software.amazon.awssdk.services.s3.model.S3Exception s3
        && s3.statusCode() == 416;
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    String fullKey = fullKey(key);
    try {
      HeadObjectResponse head = client.headObject(b -> b.bucket(location.bucket()).key(fullKey));
      return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
    } catch (SdkException e) {
      if (ErrorClassifier.classify(Operation.READ, e) == ErrorClass.NOT_FOUND) {
        return Optional.empty();
      }
      throw ErrorClassifier.toException(Operation.READ, key, e);
    }
  }

  @Override
  public ObjectPage list(String prefix, String startAfter, int maxKeys) {
    ObjectKeys.requireValidPrefix(prefix);
    if (maxKeys < 1) {
      throw new IllegalArgumentException("Cannot list " + prefix + ": maxKeys must be positive");
    }
    String fullStartAfter = startAfter == null ? null : location.prefix() + startAfter;
    try {
      ListObjectsV2Response response =
          client.listObjectsV2(
              b ->
                  b.bucket(location.bucket())
                      .prefix(location.prefix() + prefix)
                      .startAfter(fullStartAfter)
                      .maxKeys(Math.min(maxKeys, 1000)));
      List<ObjectInfo> objects = new ArrayList<>();
      for (S3Object object : response.contents()) {
        objects.add(
            new ObjectInfo(
                object.key().substring(location.prefix().length()),
                object.size(),
                object.lastModified()));
      }
      boolean truncated = Boolean.TRUE.equals(response.isTruncated());
      return new ObjectPage(objects, truncated);
    } catch (SdkException e) {
      throw ErrorClassifier.toException(Operation.LIST, prefix, e);
    }
  }

  @Override
  public boolean delete(String key) {
    if (stat(key).isEmpty()) {
      return false;
    }
    String fullKey = fullKey(key);
    try {
      client.deleteObject(b -> b.bucket(location.bucket()).key(fullKey));
      return true;
    } catch (SdkException e) {
      throw ErrorClassifier.toException(Operation.DELETE, key, e);
    }
  }

  /** Up to 1 000 keys a DeleteObjects request, as S3 allows. */
  @Override
  public void deleteAll(List<String> keys) {
    for (int from = 0; from < keys.size(); from += 1000) {
      List<String> batch = keys.subList(from, Math.min(keys.size(), from + 1000));
      List<ObjectIdentifier> ids =
          batch.stream().map(k -> ObjectIdentifier.builder().key(fullKey(k)).build()).toList();
      DeleteObjectsResponse response;
      try {
        response =
            client.deleteObjects(
                b -> b.bucket(location.bucket()).delete(d -> d.objects(ids).quiet(true)));
      } catch (SdkException e) {
        throw ErrorClassifier.toException(Operation.DELETE, batch.get(0), e);
      }
      if (!response.errors().isEmpty()) {
        S3Error error = response.errors().get(0);
        String key = error.key().substring(location.prefix().length());
        throw new PermanentStorageException(
            "Cannot delete "
                + key
                + " from "
                + location.uri()
                + ": "
                + error.code()
                + " "
                + error.message()
                + " ("
                + response.errors().size()
                + " of "
                + batch.size()
                + " keys of the request failed)",
            key,
            null);
      }
    }
  }

  @Override
  public URI uri() {
    return location.uri();
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "S3ObjectStore[" + location.uri() + "]";
  }
}
