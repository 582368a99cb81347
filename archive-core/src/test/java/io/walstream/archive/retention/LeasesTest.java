package io.walstream.archive.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.error.PermanentStorageException;
import io.walstream.archive.format.Retention;
import io.walstream.archive.format.RetentionCodec;
import io.walstream.archive.format.RetentionCodecTest;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ForwardingObjectStore;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LeasesTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private List<String> leaseKeys(ObjectStore on) {
    List<String> keys = new ArrayList<>();
    new ArchiveReader(on).forEachKey(ArchiveLayout.leasePrefix("shop"), o -> keys.add(o.key()));
    return keys;
  }

  @Test
  void shouldStoreALeaseNamingNoRecordAndDeleteItWhenReleased() {
    Leases leases = new Leases(store);
    try (HeldLease held = leases.acquire("shop", "restore-1", "restore", Duration.ofMinutes(10))) {
      List<Leases.Live> live = leases.live("shop", Instant.now());

      assertThat(live)
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.key()).isEqualTo(held.key());
                assertThat(l.lease().retentionKey()).isNull();
                assertThat(l.lease().purpose()).isEqualTo("restore");
                assertThat(l.expires()).isAfter(Instant.now().plus(Duration.ofMinutes(9)));
              });
    }
    assertThat(leaseKeys(store)).isEmpty();
  }

  @Test
  void shouldTakeTheLeaseAgainNamingTheNewRecordWhenRetentionMovesTheFloorMeanwhile() {
    Retention record = RetentionCodecTest.record();
    AtomicBoolean moved = new AtomicBoolean();
    ObjectStore racing =
        new ForwardingObjectStore(store) {
          @Override
          protected <T> T around(Call call, String key, Supplier<T> operation) {
            T result = operation.get();
            // Retention stores its record right after the first lease is written.
            if (call == Call.PUT && key.contains("/leases/") && moved.compareAndSet(false, true)) {
              store.putIfAbsent(record.key(), ObjectContent.ofBytes(RetentionCodec.encode(record)));
            }
            return result;
          }
        };

    try (HeldLease held =
        new Leases(racing).acquire("shop", "restore-1", "restore", Duration.ofMinutes(10))) {
      assertThat(held.lease().retentionKey()).isEqualTo(record.key());
      assertThat(leaseKeys(store)).containsExactly(held.key());
    }
  }

  @Test
  void shouldListAnExpiredLeaseAsDeadNotLive() {
    Instant then = Instant.parse("2026-12-01T00:00:00Z");
    Leases past = new Leases(store, Clock.fixed(then, ZoneOffset.UTC));
    HeldLease held = past.acquire("shop", "restore-dead", "restore", Duration.ofMinutes(10));
    Instant later = then.plus(Duration.ofMinutes(10)).plus(Leases.CLOCK_SKEW).plusSeconds(1);

    assertThat(past.live("shop", then.plusSeconds(60))).hasSize(1);
    assertThat(past.live("shop", later)).isEmpty();
    assertThat(past.expired("shop", later)).containsExactly(held.key());
    held.close();
  }

  @Test
  void shouldRenewUnderANewKeyAndDeleteTheOldOne() {
    Leases leases = new Leases(store);
    try (HeldLease held = leases.acquire("shop", "follow-1", "follow", Duration.ofMillis(600))) {
      String first = held.key();

      await().atMost(Duration.ofSeconds(10)).until(() -> !held.key().equals(first));
      await().atMost(Duration.ofSeconds(10)).until(() -> leaseKeys(store).size() == 1);
      assertThat(store.stat(first)).isEmpty();
    }
    assertThat(leaseKeys(store)).isEmpty();
  }

  @Test
  void shouldHoldEverythingForALeaseThatDoesNotDecode() {
    String key = ArchiveLayout.leaseKey("shop", "garbled", Long.MAX_VALUE / 2);
    store.putIfAbsent(
        key, ObjectContent.ofBytes("{".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    List<Leases.Live> live = new Leases(store).live("shop", Instant.now());

    assertThat(live)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.lease().retentionKey()).isNull();
              assertThat(l.lease().purpose()).startsWith("unreadable: ");
            });
  }

  @Test
  void shouldWarnAndGoOnWithoutALeaseWhenTheArchiveRefusesToStoreIt() {
    ObjectStore readOnly =
        new ForwardingObjectStore(store) {
          @Override
          protected <T> T around(Call call, String key, Supplier<T> operation) {
            if (call == Call.PUT) {
              throw new PermanentStorageException("Access Denied writing " + key, key, null);
            }
            return operation.get();
          }
        };

    try (ReaderLease lease = new Leases(readOnly).acquireOrWarn("shop", "restore-1", "restore")) {
      assertThat(lease)
          .isInstanceOfSatisfying(
              ReaderLease.Unheld.class, u -> assertThat(u.reason()).contains("Access Denied"));
    }
  }
}
