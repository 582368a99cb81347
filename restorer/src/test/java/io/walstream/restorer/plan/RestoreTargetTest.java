package io.walstream.restorer.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.value.Values;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each target variant's answers at and around its own boundary. */
class RestoreTargetTest {
  private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");
  private static final long US = Values.toMicros(T);
  private static final RestoreWindow WINDOW = new RestoreWindow(100L, 200L, US - 10, US + 10);

  @Test
  void shouldAdmitEverythingAndNeverBeOutsideWhenLatest() {
    RestoreTarget latest = new RestoreTarget.Latest();

    assertThat(latest.admits(Long.MAX_VALUE, Long.MAX_VALUE)).isTrue();
    assertThat(latest.mayHold(Long.MAX_VALUE, Long.MAX_VALUE)).isTrue();
    assertThat(latest.passes(Long.MAX_VALUE, Long.MAX_VALUE)).isTrue();
    assertThat(latest.before(WINDOW)).isFalse();
    assertThat(latest.after(WINDOW)).isFalse();
    assertThat(latest.describe()).isEqualTo("the latest transaction");
  }

  @Test
  void shouldCutAtItsLsnInclusiveWhenAtLsn() {
    RestoreTarget at = new RestoreTarget.AtLsn(150);

    assertThat(at.admits(150, Long.MAX_VALUE)).isTrue();
    assertThat(at.admits(151, Long.MIN_VALUE)).isFalse();
    assertThat(at.mayHold(150, Long.MAX_VALUE)).isTrue();
    assertThat(at.mayHold(151, Long.MIN_VALUE)).isFalse();
    // Past the record at 149, not past the one at 150: it stops there.
    assertThat(at.passes(149, Long.MAX_VALUE)).isTrue();
    assertThat(at.passes(150, Long.MIN_VALUE)).isFalse();
    assertThat(new RestoreTarget.AtLsn(99).before(WINDOW)).isTrue();
    assertThat(new RestoreTarget.AtLsn(100).before(WINDOW)).isFalse();
    assertThat(new RestoreTarget.AtLsn(200).after(WINDOW)).isFalse();
    assertThat(new RestoreTarget.AtLsn(201).after(WINDOW)).isTrue();
    assertThat(at.describe()).isEqualTo("lsn 150");
  }

  @Test
  void shouldCutAtItsCommitTimeInclusiveWhenAtTime() {
    RestoreTarget at = new RestoreTarget.AtTime(T);

    assertThat(at.admits(Long.MAX_VALUE, US)).isTrue();
    assertThat(at.admits(Long.MIN_VALUE, US + 1)).isFalse();
    assertThat(at.mayHold(Long.MAX_VALUE, US)).isTrue();
    assertThat(at.mayHold(Long.MIN_VALUE, US + 1)).isFalse();
    assertThat(at.passes(Long.MAX_VALUE, US)).isTrue();
    assertThat(at.passes(Long.MIN_VALUE, US + 1)).isFalse();
    assertThat(new RestoreTarget.AtTime(T.minusSeconds(1)).before(WINDOW)).isTrue();
    assertThat(at.before(WINDOW)).isFalse();
    assertThat(at.after(WINDOW)).isFalse();
    assertThat(new RestoreTarget.AtTime(T.plusSeconds(1)).after(WINDOW)).isTrue();
    assertThat(at.describe()).isEqualTo("2026-11-21T10:00:00.000000Z");
  }
}
