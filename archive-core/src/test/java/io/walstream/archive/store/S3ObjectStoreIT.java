package io.walstream.archive.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.testing.S3ProxyFixture;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The contract against a real S3 endpoint (s3proxy over HTTP), including multipart uploads. */
class S3ObjectStoreIT extends ObjectStoreContract {
  private static final long THRESHOLD = S3Location.MIN_PART_SIZE + 1024;

  @Override
  protected ObjectStore newStore() {
    S3Location location = S3ProxyFixture.newLocation("archive/root", THRESHOLD);
    // As deployed: behind the retries. s3proxy sometimes closes a kept-alive connection the
    // client then writes to (broken pipe), a transient failure that production rides out too.
    return new RetryingObjectStore(
        new S3ObjectStore(ObjectStores.s3Client(location), location),
        new io.walstream.archive.retry.RetryPolicy(
            4,
            java.time.Duration.ofMillis(10),
            java.time.Duration.ofMillis(100),
            java.time.Duration.ofSeconds(10)));
  }

  @Override
  protected int largeObjectSize() {
    return (int) (2 * S3Location.MIN_PART_SIZE + 12345);
  }

  @Test
  void shouldOpenTheStoreAnArchiveUriNames() {
    String uri = S3ProxyFixture.newArchiveUri("team/prod");
    try (ObjectStore opened = ObjectStores.open(uri)) {
      opened.putIfAbsent("db/x", text("via uri"));

      assertThat(read(opened, "db/x")).isEqualTo("via uri");
      assertThat(opened.uri().toString()).startsWith("s3://").contains("/team/prod/");
      assertThat(opened.list("", null, 10).objects())
          .extracting(ObjectInfo::key)
          .containsExactly("db/x");
    }
  }

  @Test
  void shouldKeepObjectsUnderThePrefixWhenTwoArchivesShareABucket() {
    S3Location a = S3ProxyFixture.newLocation("one", THRESHOLD);
    S3Location b =
        new S3Location(
            a.bucket(),
            "two",
            a.endpoint(),
            a.region(),
            true,
            THRESHOLD,
            a.partSize(),
            a.attemptTimeout(),
            a.callTimeout());
    try (ObjectStore first = new S3ObjectStore(ObjectStores.s3Client(a), a);
        ObjectStore second = new S3ObjectStore(ObjectStores.s3Client(b), b)) {
      first.putIfAbsent("k", text("1"));
      second.putIfAbsent("k", text("2"));

      assertThat(read(first, "k")).isEqualTo("1");
      assertThat(read(second, "k")).isEqualTo("2");
      assertThat(first.uri()).isEqualTo(URI.create(a.uri().toString()));
    }
  }
}
