package io.walstream.schemas.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {
  @Test
  void shouldReadNumbersAndPostgresNotation() {
    assertThat(Lsn.parse("12345")).isEqualTo(12345L);
    assertThat(Lsn.parse("0/16B3748")).isEqualTo(0x16B3748L);
    assertThat(Lsn.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
    assertThat(Lsn.postgres((0x16L << 32) | 0xB374D848L)).isEqualTo("16/B374D848");
    assertThat(Lsn.parse(Lsn.postgres(987_654_321_012L))).isEqualTo(987_654_321_012L);
  }

  @Test
  void shouldNameTheTextWhenItIsNoLsn() {
    assertThatThrownBy(() -> Lsn.parse("0/XYZ")).hasMessageContaining("'0/XYZ'");
    assertThatThrownBy(() -> Lsn.parse("-5")).hasMessageContaining("negative");
    assertThatThrownBy(() -> Lsn.parse("1/123456789")).hasMessageContaining("8 hex digits");
  }
}
