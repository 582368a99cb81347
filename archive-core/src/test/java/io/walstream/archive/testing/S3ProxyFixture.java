package io.walstream.archive.testing;

import io.walstream.archive.store.S3Location;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * One in-process S3 endpoint (s3proxy over HTTP on 127.0.0.1, in-memory blobs) per test JVM,
 * speaking the real S3 protocol, with a fresh bucket per caller. Credentials reach the AWS SDK's
 * default chain through the {@code aws.accessKeyId} / {@code aws.secretAccessKey} system
 * properties, as a real deployment would provide them through its environment.
 */
public final class S3ProxyFixture {
  public static final String ACCESS_KEY = "walstream-test";
  public static final String SECRET_KEY = "walstream-test-secret";

  private static S3Proxy proxy;
  private static TransientNio2BlobStore blobStore;

  private S3ProxyFixture() {}

  /** The endpoint, starting the proxy on first use. */
  public static synchronized URI endpoint() {
    if (proxy == null) {
      start();
    }
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  private static void start() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    System.setProperty("aws.region", "us-east-1");
    blobStore = new TransientNio2BlobStore();
    proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    try {
      proxy.start();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start s3proxy", e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.onSpinWait();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(S3ProxyFixture::stop, "s3proxy-stop"));
  }

  private static void stop() {
    try {
      proxy.stop();
    } catch (Exception e) {
      System.err.println("s3proxy did not stop cleanly: " + e);
    }
  }

  /** A new, empty bucket. */
  public static synchronized String newBucket() {
    endpoint();
    String bucket = "b-" + UUID.randomUUID().toString().substring(0, 18);
    blobStore.createContainer(bucket);
    return bucket;
  }

  /** The archive URI of a new bucket with {@code prefix}. */
  public static String newArchiveUri(String prefix) {
    return "s3://"
        + newBucket()
        + "/"
        + prefix
        + "?endpoint="
        + endpoint()
        + "&region=us-east-1&path-style=true";
  }

  /** A location in a new bucket with a small multipart threshold, to exercise multipart uploads. */
  public static S3Location newLocation(String prefix, long multipartThreshold) {
    return new S3Location(
        newBucket(),
        prefix,
        endpoint(),
        "us-east-1",
        true,
        multipartThreshold,
        S3Location.MIN_PART_SIZE,
        Duration.ofSeconds(20),
        Duration.ofSeconds(60));
  }
}
