package io.walstream.archive.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnchorCheckTest {
  private static final StreamId SHOP = new StreamId("shop", "walstream.changes", 0);
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final ArchiveReader reader = new ArchiveReader(store);

  @BeforeEach
  void archiveThreeSegments() {
    Records.archive(new ArchiveWriter(store, "test"), SHOP, 100, 3, 2, 2);
  }

  private Anchor published(long seq) {
    StoredManifest m = reader.readManifest(SHOP, seq).orElseThrow();
    return new Anchor(SHOP, seq, m.sha256());
  }

  @Test
  void shouldFindNothingWhenThePublishedManifestIsInTheArchiveOrTheArchiveIsAhead() {
    AnchorCheck check = new AnchorCheck(reader);

    assertThat(check.check(published(2))).isEmpty();
    assertThat(check.check(published(1))).as("the archive is ahead of the topic").isEmpty();
  }

  @Test
  void shouldReportARollbackThatTheChainAloneCannotShowWhenTheNewestManifestIsRemoved() {
    Anchor newest = published(2);
    String manifestKey = ArchiveLayout.manifestKey(SHOP, 2);
    store.delete(
        ((Manifest.Segment) reader.readManifest(SHOP, 2).orElseThrow().manifest()).segment().key());
    store.delete(manifestKey);

    assertThat(new ChainVerifier(store).verify(SHOP).clean())
        .as("a shorter chain is still a valid chain")
        .isTrue();
    assertThat(new AnchorCheck(reader).check(newest))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(Finding.Kind.ROLLED_BACK);
              assertThat(f.isError()).isTrue();
              assertThat(f.key()).isEqualTo(manifestKey);
              assertThat(f.detail())
                  .contains("published seq 2 of " + SHOP)
                  .contains(newest.manifestSha256());
            });
  }

  @Test
  void shouldReportAMismatchWhenTheArchiveHoldsAnotherManifestAtThatSeq() {
    Anchor other = new Anchor(SHOP, 1, published(0).manifestSha256());

    assertThat(new AnchorCheck(reader).check(other))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(Finding.Kind.ANCHOR_MISMATCH);
              assertThat(f.key()).isEqualTo(ArchiveLayout.manifestKey(SHOP, 1));
              assertThat(f.detail())
                  .contains("archive sha256 " + published(1).manifestSha256())
                  .contains("published " + published(0).manifestSha256());
            });
  }

  @Test
  void shouldReportARollbackForAStreamTheArchiveDoesNotHoldAtAll() {
    StreamId billing = new StreamId("billing", "walstream.changes", 0);
    Anchor anchor = new Anchor(billing, 0, published(0).manifestSha256());

    assertThat(new AnchorCheck(reader).check(anchor))
        .extracting(Finding::kind)
        .containsExactly(Finding.Kind.ROLLED_BACK);
  }

  @Test
  void shouldRefuseAnAnchorWithoutAManifestHash() {
    assertThatThrownBy(() -> new Anchor(SHOP, 3, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seq 3");
    assertThatThrownBy(() -> new Anchor(SHOP, 3, "ABC"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lowercase hex digits");
    assertThatThrownBy(() -> new Anchor(SHOP, -1, published(0).manifestSha256()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative seq -1");
  }
}
