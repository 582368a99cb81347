package io.walstream.archive.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.OutcomeUnknownException;
import io.walstream.archive.error.PermanentStorageException;
import io.walstream.archive.error.TransientStorageException;
import io.walstream.archive.retry.Retrier;
import io.walstream.archive.retry.RetryPolicy;
import io.walstream.archive.store.ForwardingObjectStore.Call;
import io.walstream.archive.testing.FaultyObjectStore;
import io.walstream.archive.testing.FaultyObjectStore.Fault;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryingObjectStoreTest {
  private final InMemoryObjectStore memory = new InMemoryObjectStore();
  private final FaultyObjectStore faulty = new FaultyObjectStore(memory);
  private final List<Duration> sleeps = new ArrayList<>();
  private final RetryingObjectStore store =
      new RetryingObjectStore(
          faulty,
          new Retrier(
              new RetryPolicy(
                  4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1)),
              sleeps::add,
              Retrier.Listener.NONE));

  private static ObjectContent text(String s) {
    return ObjectContent.ofBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldRetryTransientFailuresWhenTheyPass() {
    faulty.failOn(Call.PUT, 1, Fault.TRANSIENT).failOn(Call.PUT, 2, Fault.TRANSIENT);

    assertThat(store.putIfAbsent("k", text("v"))).isEqualTo(PutOutcome.CREATED);
    assertThat(sleeps).hasSize(2);
    assertThat(faulty.injectedTotal()).isEqualTo(2);
  }

  @Test
  void shouldNotRetryPermanentFailures() {
    faulty.failOn(Call.READ, 1, Fault.PERMANENT);

    assertThatThrownBy(() -> store.readAll("k"))
        .isInstanceOf(PermanentStorageException.class)
        .hasMessage("Cannot read object k: injected PERMANENT");
    assertThat(sleeps).isEmpty();
  }

  @Test
  void shouldGiveUpWithTheLastFailureWhenAttemptsRunOut() {
    for (int i = 1; i <= 4; i++) {
      faulty.failOn(Call.LIST, i, Fault.TRANSIENT);
    }

    assertThatThrownBy(() -> store.list("p/", null, 10))
        .isInstanceOf(TransientStorageException.class)
        .hasMessageContaining("p/");
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void shouldBackOffExponentiallyWithJitterWithinBounds() {
    RetryPolicy policy =
        new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofMinutes(1));

    for (int attempt = 1; attempt <= 8; attempt++) {
      long ceiling = Math.min(1000, 100L << (attempt - 1));
      assertThat(policy.backoff(attempt).toMillis()).isBetween(ceiling / 2, ceiling);
    }
  }

  @Test
  void shouldReportCreatedWhenAnUnknownOutcomePutHadLanded() {
    faulty.failOn(Call.PUT, 1, Fault.OUTCOME_UNKNOWN_LANDED);

    assertThat(store.putIfAbsent("m/1", text("mine"))).isEqualTo(PutOutcome.CREATED);
    assertThat(memory.readAll("m/1").map(b -> new String(b, StandardCharsets.UTF_8)))
        .contains("mine");
  }

  @Test
  void shouldReportCreatedWhenAnUnknownOutcomePutHadNotLanded() {
    faulty.failOn(Call.PUT, 1, Fault.OUTCOME_UNKNOWN_LOST);

    assertThat(store.putIfAbsent("m/1", text("mine"))).isEqualTo(PutOutcome.CREATED);
  }

  @Test
  void shouldReportAlreadyExistsWhenAnotherWriterWonDuringAnUnknownOutcome() {
    memory.putIfAbsent("m/1", text("theirs"));
    faulty.failOn(Call.PUT, 1, Fault.OUTCOME_UNKNOWN_LOST);

    assertThat(store.putIfAbsent("m/1", text("mine"))).isEqualTo(PutOutcome.ALREADY_EXISTS);
  }

  @Test
  void shouldSurfaceOutcomeUnknownWhenRetriesRunOut() {
    for (int i = 1; i <= 4; i++) {
      faulty.failOn(Call.PUT, i, Fault.OUTCOME_UNKNOWN_LOST);
    }

    assertThatThrownBy(() -> store.putIfAbsent("m/2", text("x")))
        .isInstanceOf(OutcomeUnknownException.class);
  }

  @Test
  void shouldStopRetryingWhenTheElapsedBoundWouldPass() {
    RetryingObjectStore bounded =
        new RetryingObjectStore(
            faulty,
            new Retrier(
                new RetryPolicy(
                    100, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(1)),
                sleeps::add,
                Retrier.Listener.NONE));
    faulty.failOn(Call.STAT, 1, Fault.TRANSIENT);

    assertThatThrownBy(() -> bounded.stat("k")).isInstanceOf(TransientStorageException.class);
    assertThat(sleeps).isEmpty();
  }
}
