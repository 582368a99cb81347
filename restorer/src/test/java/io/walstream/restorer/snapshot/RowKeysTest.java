package io.walstream.restorer.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.value.Values;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RowKeysTest {
  private static int compare(Object a, Object b) {
    return Arrays.compareUnsigned(RowKeys.encode(Map.of("id", a)), RowKeys.encode(Map.of("id", b)));
  }

  @Property(tries = 500)
  void shouldOrderLongsAsNumbers(@ForAll long a, @ForAll long b) {
    assertThat(Integer.signum(compare(a, b))).isEqualTo(Integer.signum(Long.compare(a, b)));
  }

  @Property(tries = 500)
  void shouldOrderDoublesAsNumbers(@ForAll double a, @ForAll double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || (a == 0 && b == 0)) {
      return;
    }
    assertThat(Integer.signum(compare(a, b))).isEqualTo(Integer.signum(Double.compare(a, b)));
  }

  @Property(tries = 500)
  void shouldOrderTextByItsBytesWithAPrefixFirst(@ForAll String a, @ForAll String b) {
    int expected =
        Arrays.compareUnsigned(
            a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(Integer.signum(compare(a, b))).isEqualTo(Integer.signum(expected));
  }

  @Test
  void shouldMakeOneKeyOfValuesSqlCompareEqual() {
    assertThat(compare(7, 7L)).isZero();
    assertThat(compare(1.5f, 1.5d)).isZero();
    assertThat(
            compare(Values.decimal(new BigDecimal("1.50")), Values.decimal(new BigDecimal("1.5"))))
        .isZero();
    assertThat(compare("a\u0000", "a")).isPositive();
    assertThat(
            Arrays.equals(
                RowKeys.encode(Map.of("a", 1L, "b", "x")),
                RowKeys.encode(Map.of("b", "x", "a", 1L))))
        .isTrue();
  }
}
