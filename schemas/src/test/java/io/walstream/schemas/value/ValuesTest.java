package io.walstream.schemas.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ValuesTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Property(tries = 2000)
  void shouldFormatLikeIsoWithSixFractionDigitsForAnyMicrosecond(
      @ForAll @LongRange(min = -62_167_219_200_000_000L, max = 253_402_300_799_999_999L)
          long micros) {
    Instant instant = Values.fromMicros(micros);

    String text = Values.formatTimestamp(instant);

    assertThat(text).isEqualTo(REFERENCE.format(instant));
    assertThat(Values.parseTimestamp(text)).isEqualTo(instant);
  }

  @Test
  void shouldFormatEdgesOfTheFourDigitYearsWhenPaddingIsNeeded() {
    assertThat(Values.formatTimestamp(Instant.parse("0001-01-01T00:00:00Z")))
        .isEqualTo("0001-01-01T00:00:00.000000Z");
    assertThat(Values.formatTimestamp(Instant.parse("9999-12-31T23:59:59.999999Z")))
        .isEqualTo("9999-12-31T23:59:59.999999Z");
    assertThat(Values.formatTimestamp(Instant.parse("2026-11-21T10:00:00.000001Z")))
        .isEqualTo("2026-11-21T10:00:00.000001Z");
  }

  @Test
  void shouldFallBackToTheFormatterWhenTheYearHasMoreThanFourDigits() {
    Instant farFuture = Instant.parse("+12026-01-02T03:04:05.000006Z");

    assertThat(Values.formatTimestamp(farFuture)).isEqualTo(REFERENCE.format(farFuture));
  }
}
