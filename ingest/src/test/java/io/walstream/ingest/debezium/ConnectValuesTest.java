package io.walstream.ingest.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.walstream.schemas.avro.DateValue;
import io.walstream.schemas.avro.DecimalValue;
import io.walstream.schemas.avro.TimestampValue;
import io.walstream.schemas.value.Values;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One test per row of the type table in docs/DEBEZIUM.md. */
class ConnectValuesTest {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private static Object map(String schema, String value) throws Exception {
    return ConnectValues.value(JSON.readTree(schema), JSON.readTree(value), "t.c");
  }

  private static String b64(byte[] bytes) {
    return "\"" + Base64.getEncoder().encodeToString(bytes) + "\"";
  }

  @ParameterizedTest
  @CsvSource({"int8,7", "int16,-300", "int32,2147483647", "int64,9223372036854775807"})
  void shouldMapEveryIntegerTypeToLong(String type, String value) throws Exception {
    assertThat(map("{\"type\":\"" + type + "\"}", value)).isEqualTo(Long.parseLong(value));
  }

  @Test
  void shouldMapFloatsToDoubleAndTheirNonFiniteStrings() throws Exception {
    assertThat(map("{\"type\":\"float64\"}", "2.5")).isEqualTo(2.5d);
    assertThat(map("{\"type\":\"float32\"}", "0.1")).isEqualTo(0.1d);
    assertThat(map("{\"type\":\"float64\"}", "\"NaN\"")).isEqualTo(Double.NaN);
  }

  @Test
  void shouldMapStringBooleanAndBytes() throws Exception {
    assertThat(map("{\"type\":\"string\"}", "\"héllo\"")).isEqualTo("héllo");
    assertThat(map("{\"type\":\"boolean\"}", "true")).isEqualTo(true);
    byte[] raw = {0, 1, (byte) 0xff};
    assertThat(map("{\"type\":\"bytes\"}", b64(raw))).isEqualTo(ByteBuffer.wrap(raw));
  }

  @Test
  void shouldMapConnectDecimalExactlyFromBase64AndFromNumbers() throws Exception {
    String schema =
        "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
            + "\"parameters\":{\"scale\":\"2\"}}";
    Object fromBytes = map(schema, b64(BigInteger.valueOf(-123456).toByteArray()));
    assertThat(Values.toBigDecimal((DecimalValue) fromBytes)).isEqualTo(new BigDecimal("-1234.56"));
    Object fromNumber = map(schema, "12345678901234567890.12");
    assertThat(Values.toBigDecimal((DecimalValue) fromNumber))
        .isEqualTo(new BigDecimal("12345678901234567890.12"));
  }

  @Test
  void shouldMapVariableScaleDecimalWithItsOwnScale() throws Exception {
    String schema = "{\"type\":\"struct\",\"name\":\"io.debezium.data.VariableScaleDecimal\"}";
    String value = "{\"scale\":4,\"value\":" + b64(BigInteger.valueOf(123400).toByteArray()) + "}";
    DecimalValue d = (DecimalValue) map(schema, value);
    assertThat(Values.toBigDecimal(d).toPlainString()).isEqualTo("12.3400");
  }

  @Test
  void shouldMapDatesAndEveryTimestampToUtcMicroseconds() throws Exception {
    assertThat(
            ((DateValue) map("{\"type\":\"int32\",\"name\":\"io.debezium.time.Date\"}", "19000"))
                .getDays())
        .isEqualTo(LocalDate.ofEpochDay(19000));
    Instant micros = Instant.parse("2026-01-02T03:04:05.123456Z");
    long us = micros.getEpochSecond() * 1_000_000 + 123456;
    assertThat(ts("io.debezium.time.MicroTimestamp", "int64", Long.toString(us))).isEqualTo(micros);
    assertThat(ts("io.debezium.time.NanoTimestamp", "int64", us + "789")).isEqualTo(micros);
    assertThat(ts("io.debezium.time.Timestamp", "int64", Long.toString(us / 1000)))
        .isEqualTo(Instant.parse("2026-01-02T03:04:05.123Z"));
    assertThat(ts("org.apache.kafka.connect.data.Timestamp", "int64", Long.toString(us / 1000)))
        .isEqualTo(Instant.parse("2026-01-02T03:04:05.123Z"));
    assertThat(
            ts(
                "io.debezium.time.ZonedTimestamp",
                "string",
                "\"2026-01-02T05:04:05.123456789+02:00\""))
        .isEqualTo(micros);
  }

  private static Instant ts(String name, String type, String value) throws Exception {
    return ((TimestampValue) map("{\"type\":\"" + type + "\",\"name\":\"" + name + "\"}", value))
        .getMicros();
  }

  @Test
  void shouldMapJsonUuidEnumAndTimesToText() throws Exception {
    assertThat(
            map("{\"type\":\"string\",\"name\":\"io.debezium.data.Json\"}", "\"{\\\"a\\\": 1}\""))
        .isEqualTo("{\"a\": 1}");
    assertThat(map("{\"type\":\"string\",\"name\":\"io.debezium.data.Uuid\"}", "\"0f0e\""))
        .isEqualTo("0f0e");
    assertThat(map("{\"type\":\"int64\",\"name\":\"io.debezium.time.MicroTime\"}", "3723000001"))
        .isEqualTo("01:02:03.000001");
  }

  @Test
  void shouldKeepArraysAndStructsAsTheirJson() throws Exception {
    assertThat(map("{\"type\":\"array\"}", "[1,2]")).isEqualTo("[1,2]");
  }

  @Test
  void shouldMapSchemalessValuesByTheDocumentedBestEffort() throws Exception {
    assertThat(ConnectValues.value(null, JSON.readTree("42"), "c")).isEqualTo(42L);
    assertThat(ConnectValues.value(null, JSON.readTree("true"), "c")).isEqualTo(true);
    assertThat(ConnectValues.value(null, JSON.readTree("\"x\""), "c")).isEqualTo("x");
    DecimalValue exact = (DecimalValue) ConnectValues.value(null, JSON.readTree("0.10"), "c");
    assertThat(Values.toBigDecimal(exact).toPlainString()).isEqualTo("0.10");
    assertThat(ConnectValues.value(null, JSON.readTree("{\"a\":1}"), "c")).isEqualTo("{\"a\":1}");
    assertThat(ConnectValues.value(null, JSON.readTree("null"), "c")).isNull();
  }

  @Test
  void shouldNameTheFieldWhenAValueDoesNotFitItsType() {
    assertThatThrownBy(() -> map("{\"type\":\"int32\"}", "\"seven\""))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("t.c")
        .hasMessageContaining("integer");
    assertThatThrownBy(() -> map("{\"type\":\"bytes\"}", "\"***\""))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("t.c");
    assertThatThrownBy(() -> map("{\"type\":\"weird\"}", "1"))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("unknown Connect type 'weird'");
  }
}
