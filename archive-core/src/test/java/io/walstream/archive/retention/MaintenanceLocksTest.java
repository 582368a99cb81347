package io.walstream.archive.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.InMemoryObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MaintenanceLocksTest {
  private static final Duration TTL = Duration.ofMinutes(10);
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final MaintenanceLocks locks = new MaintenanceLocks(store);

  private List<String> lockKeys() {
    List<String> keys = new ArrayList<>();
    new ArchiveReader(store).forEachKey(ArchiveLayout.lockPrefix("shop"), o -> keys.add(o.key()));
    return keys;
  }

  @Test
  void shouldRefuseASecondHolderNamingTheFirstUntilItReleases() {
    try (HeldLock a = locks.acquire("shop", "instance-a", "snapshot", TTL)) {
      assertThatThrownBy(() -> locks.acquire("shop", "instance-b", "retention", TTL))
          .isInstanceOfSatisfying(
              MaintenanceLocks.Busy.class,
              e -> assertThat(e.holder().holder()).isEqualTo("instance-a"))
          .hasMessageContaining("instance-a holds its maintenance lock (for snapshot) until")
          .hasMessageContaining("Cannot run retention of shop now");
      assertThat(locks.current("shop"))
          .hasValueSatisfying(l -> assertThat(l.purpose()).isEqualTo("snapshot"));
      // Another database is another lock.
      locks.acquire("other", "instance-b", "snapshot", TTL).close();
    }
    assertThat(lockKeys()).isEmpty();
    try (HeldLock b = locks.acquire("shop", "instance-b", "retention", TTL)) {
      assertThat(locks.current("shop"))
          .hasValueSatisfying(l -> assertThat(l.holder()).isEqualTo("instance-b"));
    }
  }

  @Test
  void shouldTakeOverAnExpiredLockAndLetItsOldHolderFindOutOnRenewal() {
    Instant past = Instant.now().minus(Duration.ofHours(1));
    MaintenanceLocks stale = new MaintenanceLocks(store, Clock.fixed(past, ZoneOffset.UTC));
    HeldLock dead = stale.acquire("shop", "instance-dead", "snapshot", Duration.ofMillis(600));

    HeldLock taker = locks.acquire("shop", "instance-b", "snapshot", TTL);

    assertThat(taker.generation()).isEqualTo(dead.generation() + 1);
    assertThat(lockKeys()).containsExactly(ArchiveLayout.lockKey("shop", taker.generation()));
    await().atMost(Duration.ofSeconds(10)).until(dead::lost);
    dead.close();
    assertThat(locks.current("shop"))
        .hasValueSatisfying(l -> assertThat(l.holder()).isEqualTo("instance-b"));
    taker.close();
  }

  @Test
  void shouldRenewByClaimingTheNextGenerationAndKeepExactlyOne() {
    try (HeldLock held = locks.acquire("shop", "instance-a", "snapshot", Duration.ofMillis(600))) {
      long first = held.generation();

      await().atMost(Duration.ofSeconds(10)).until(() -> held.generation() > first);
      await().atMost(Duration.ofSeconds(10)).until(() -> lockKeys().size() == 1);
      assertThat(held.lost()).isFalse();
    }
  }

  @Test
  void shouldGiveTheLockToExactlyOneOfManyRacingInstances() throws Exception {
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<HeldLock> winners = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> busy = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < racers; i++) {
      String holder = "instance-" + i;
      pool.execute(
          () -> {
            try {
              start.await();
              winners.add(locks.acquire("shop", holder, "snapshot", TTL));
            } catch (MaintenanceLocks.Busy e) {
              busy.add(holder);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(winners).hasSize(1);
    assertThat(busy).hasSize(racers - 1);
    winners.forEach(HeldLock::close);
  }
}
