package io.walstream.ingest.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The memory is only a mirror: a new instance over the same store must know what the old one did.
 */
class PendingStoreTest {
  private KeyValueStore<String, byte[]> store;

  @BeforeEach
  void open() {
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("pending"), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
  }

  @Test
  void shouldKnowAfterARestartWhatArrivedWhatWasReleasedAndTheCounters() {
    PendingStore before = new PendingStore(store);
    before.putState("5", PendingState.first(1_000).plusOne(2));
    before.putEvent("5", 2, new byte[] {7});
    before.putEvent("6:1", 1, new byte[] {8});
    before.deleteEvent("6:1", 1);
    before.putReleased("4", 900, 3, 1_700_000_000_000_000L);
    before.putReleased("3", 800, 1, 1_600_000_000_000_000L);
    before.deleteReleased("3");
    before.markDeadSnapshot("snapshot@77");
    before.putCounter(PendingKeys.NEXT_END, 12);

    PendingStore after = new PendingStore(store);

    assertThat(after.states()).containsOnlyKeys("5");
    assertThat(after.state("5")).isEqualTo(before.state("5"));
    assertThat(after.hasEvent("5", 2)).isTrue();
    assertThat(after.hasEvent("5", 1)).isFalse();
    assertThat(after.hasEvent("6:1", 1)).isFalse();
    assertThat(after.event("5", 2)).containsExactly(7);
    assertThat(after.released("4")).containsExactly(900, 3, 1_700_000_000_000_000L);
    assertThat(after.released("3")).isNull();
    assertThat(after.isDeadSnapshot("snapshot@77")).isTrue();
    assertThat(after.isDeadSnapshot("snapshot@78")).isFalse();
    assertThat(after.counter(PendingKeys.NEXT_END)).isEqualTo(12);
    assertThat(after.counter(PendingKeys.HEAD)).isZero();
  }

  @Test
  void shouldForgetEveryEventOfATransactionTakenWhole() {
    PendingStore pending = new PendingStore(store);
    pending.putEvent("9", 1, new byte[] {1});
    pending.putEvent("9", 3, new byte[] {3});
    pending.putEvent("10", 1, new byte[] {4});

    assertThat(pending.takeEvents("9")).containsExactly(new byte[] {1}, new byte[] {3});

    assertThat(pending.hasEvent("9", 1)).isFalse();
    assertThat(pending.hasEvent("10", 1)).isTrue();
    assertThat(new PendingStore(store).hasEvent("9", 3)).isFalse();
    assertThat(new PendingStore(store).hasEvent("10", 1)).isTrue();
  }

  @Test
  void shouldReadTheReleasedValuesOfAnOlderStoreWithoutCommitTime() {
    store.put(
        PendingKeys.released("2"),
        java.nio.ByteBuffer.allocate(16).putLong(700).putLong(4).array());

    assertThat(new PendingStore(store).released("2")).containsExactly(700, 4, PendingState.NONE);
  }
}
