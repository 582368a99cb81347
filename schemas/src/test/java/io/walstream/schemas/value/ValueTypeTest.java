package io.walstream.schemas.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ValueTypeTest {
  @ParameterizedTest
  @EnumSource(ValueType.class)
  void shouldTypeItsOwnSampleAndReadItsOwnName(ValueType type) {
    assertThat(ValueType.of(type.sample())).isEqualTo(type);
    assertThat(ValueType.named(type.wireName())).isEqualTo(type);
    assertThat(type.wireName()).isEqualTo(type.name().toLowerCase(java.util.Locale.ROOT));
  }

  @org.junit.jupiter.api.Test
  void shouldRefuseWhatIsNoChangeRecordValueWhenTyping() {
    assertThatThrownBy(() -> ValueType.of(new Object()))
        .hasMessageContaining("not a change record value");
    assertThatThrownBy(() -> ValueType.named("money")).hasMessage("unknown value type 'money'");
  }
}
