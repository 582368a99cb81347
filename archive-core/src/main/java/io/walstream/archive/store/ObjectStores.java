package io.walstream.archive.store;

import io.walstream.archive.retry.RetryPolicy;
import java.net.URI;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Opens the object store an archive URI names (see {@link ArchiveUri}). */
public final class ObjectStores {
  private ObjectStores() {}

  /**
   * The store at {@code uri}, wrapped so that transient failures are retried under {@code
   * retryPolicy}.
   */
  public static ObjectStore open(String uri, RetryPolicy retryPolicy) {
    return new RetryingObjectStore(openRaw(ArchiveUri.parse(uri)), retryPolicy);
  }

  /** The store at {@code uri} with the default retry policy. */
  public static ObjectStore open(String uri) {
    return open(uri, RetryPolicy.defaults());
  }

  /**
   * The store at {@code uri} for a reader: it must exist (a filesystem root is never created) and
   * hold at least one object.
   *
   * @throws ArchiveNotFoundException when the location does not exist or holds no objects
   */
  public static ObjectStore openExisting(String uri) {
    URI parsed = ArchiveUri.parse(uri);
    ObjectStore raw =
        "file".equals(parsed.getScheme())
            ? FileSystemObjectStore.existing(ArchiveUri.parseFile(parsed))
            : openRaw(parsed);
    ObjectStore store = new RetryingObjectStore(raw, RetryPolicy.defaults());
    if (store.list("", null, 1).objects().isEmpty()) {
      store.close();
      throw new ArchiveNotFoundException(
          "Cannot read archive " + uri + ": it holds no archive (no objects at all)");
    }
    return store;
  }

  /** The store at {@code uri} without retries, for tests and tools that retry themselves. */
  public static ObjectStore openRaw(URI uri) {
    return switch (uri.getScheme()) {
      case "file" -> new FileSystemObjectStore(ArchiveUri.parseFile(uri));
      case "s3" -> {
        S3Location location = ArchiveUri.parseS3(uri);
        yield new S3ObjectStore(s3Client(location), location);
      }
      default -> throw new IllegalArgumentException("unsupported scheme " + uri.getScheme());
    };
  }

  /**
   * An S3 client for {@code location}: credentials from the SDK's default chain, bounded timeouts,
   * no SDK-level retries (the caller's {@link RetryingObjectStore} owns retrying), and checksums
   * only where S3 requires them so that S3-compatible services accept the requests.
   */
  public static S3Client s3Client(S3Location location) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(location.region()))
            .forcePathStyle(location.pathStyle())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .connectionTimeout(java.time.Duration.ofSeconds(10))
                    .socketTimeout(location.attemptTimeout()))
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallAttemptTimeout(location.attemptTimeout())
                    .apiCallTimeout(location.callTimeout())
                    .retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry())
                    .build());
    if (location.endpoint() != null) {
      builder.endpointOverride(location.endpoint());
    }
    return builder.build();
  }
}
