package io.walstream.archive.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StreamHead;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import io.walstream.archive.testing.Records;
import io.walstream.archive.testing.S3ProxyFixture;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.archive.writer.ArchiveWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retention against a real S3 endpoint (s3proxy over HTTP): more than a thousand expired objects,
 * so that listing is paged and deletion takes more than one DeleteObjects request.
 */
class RetentionS3IT {
  private static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);

  @Test
  void shouldExpireMoreThanAThousandObjectsAndLeaveAnArchiveThatVerifies() {
    try (ObjectStore store = ObjectStores.open(S3ProxyFixture.newArchiveUri("retention"))) {
      // 600 segments of three one-record transactions: lsn 100 + 3s .. 102 + 3s in segment s.
      Records.archive(new ArchiveWriter(store, "s3-test"), SHOP, 100, 600, 3, 1);
      RetainerTest.snapshot(store, 105, 1);
      RetainerTest.snapshot(store, 1872, 590);
      ArchiveReader reader = new ArchiveReader(store);
      StreamHead head = reader.loadHead(SHOP);
      Retainer retainer = new Retainer(store, "s3-test");

      RetentionPlan plan =
          retainer.plan(
              List.of("shop"), new RetentionPolicy.KeepSnapshots(1), Duration.ZERO, Instant.now());
      List<Expiry> deleted = retainer.apply(plan);

      assertThat(plan.databases().get(0).perStream().get(SHOP).manifests()).isEqualTo(590);
      assertThat(deleted).hasSize(590 * 2 + 2).isEqualTo(plan.databases().get(0).delete());
      assertThat(reader.retention("shop").orElseThrow().firstSeq(SHOP)).isEqualTo(590);
      assertThat(store.stat(ArchiveLayout.manifestKey(SHOP, 589))).isEmpty();
      assertThat(store.stat(ArchiveLayout.manifestKey(SHOP, 0))).isEmpty();
      assertThat(reader.loadHead(SHOP)).isEqualTo(head);
      assertThat(
              new ChainVerifier(store)
                  .verifyDatabase("shop").findings().stream()
                      .filter(f -> f.kind() != Finding.Kind.INCOMPLETE_TRANSACTION))
          .isEmpty();
    }
  }
}
