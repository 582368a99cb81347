package io.walstream.ingest.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class PendingKeysTest {
  @Property
  void shouldPadAsFormatDoes(@ForAll long n) {
    assertThat(PendingKeys.pad(n)).isEqualTo(String.format("%019d", n));
  }

  @Property
  void shouldOrderPaddedNumbersAsTheNumbers(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long a,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long b) {
    assertThat(Integer.signum(PendingKeys.pad(a).compareTo(PendingKeys.pad(b))))
        .isEqualTo(Long.signum(Long.compare(a, b)));
  }

  @Property
  void shouldReadAnEventKeyBack(
      @ForAll String transactionId, @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long order) {
    assertThat(PendingKeys.parseEvent(PendingKeys.event(transactionId, order)))
        .isEqualTo(new PendingKeys.EventKey(transactionId, order));
  }
}
