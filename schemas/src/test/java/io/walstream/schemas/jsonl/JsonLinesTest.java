package io.walstream.schemas.jsonl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.testing.ChangeRecordArbitraries;
import io.walstream.schemas.testing.ChangeRecordArbitraries.Profile;
import io.walstream.schemas.value.Values;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonLinesTest {
  static final String EXAMPLE =
      "{\"database\":\"shop\",\"table\":\"orders\",\"op\":\"UPDATE\",\"key\":{\"id\":7},"
          + "\"after\":{\"id\":7,\"status\":\"paid\",\"total\":{\"$decimal\":\"12.50\"}},"
          + "\"lsn\":1042,\"txIndex\":0,\"txLast\":true,"
          + "\"commitTime\":\"2026-11-21T10:00:00.123456Z\"}";

  @Test
  void shouldParseTheDocumentedExampleExactly() {
    ChangeRecord record = JsonLines.parse(EXAMPLE, 1);

    assertThat(record.getDatabase()).isEqualTo("shop");
    assertThat(record.getTable()).isEqualTo("orders");
    assertThat(record.getOp()).isEqualTo(Op.UPDATE);
    assertThat(record.getKey()).containsExactly(Map.entry("id", 7L));
    assertThat(record.getAfter())
        .containsExactly(
            Map.entry("id", 7L),
            Map.entry("status", "paid"),
            Map.entry("total", Values.decimal(new BigDecimal("12.50"))));
    assertThat(record.getBefore()).isNull();
    assertThat(record.getLsn()).isEqualTo(1042L);
    assertThat(record.getTxIndex()).isZero();
    assertThat(record.getTxLast()).isTrue();
    assertThat(record.getCommitTime()).isEqualTo(Instant.parse("2026-11-21T10:00:00.123456Z"));
    assertThat(record.getSchemaVersion()).isZero();
  }

  @Test
  void shouldRefuseTwoObjectsOnOneLineNamingTheLine() {
    String two = EXAMPLE + EXAMPLE.replace("\"lsn\":1042", "\"lsn\":1043");

    assertThatThrownBy(() -> JsonLines.parse(two, 4))
        .isInstanceOfSatisfying(JsonLinesException.class, e -> assertThat(e.line()).isEqualTo(4))
        .hasMessageContaining("line 4")
        .hasMessageContaining("more than one JSON value on the line");
  }

  @Test
  void shouldRefuseTrailingGarbageAfterTheObject() {
    assertThatThrownBy(() -> JsonLines.parse(EXAMPLE + " xyz", 2))
        .isInstanceOf(JsonLinesException.class)
        .hasMessageContaining("line 2");
  }

  @Test
  void shouldRefuseALoneSurrogateNamingTheFieldInsteadOfStoringAQuestionMark() {
    String value = EXAMPLE.replace("\"paid\"", "\"pa\\ud800id\"");
    String name = EXAMPLE.replace("\"status\"", "\"st\\udc00atus\"");

    assertThatThrownBy(() -> JsonLines.parse(value, 3))
        .isInstanceOfSatisfying(
            JsonLinesException.class, e -> assertThat(e.field()).isEqualTo("after.status"))
        .hasMessageContaining("lone surrogate (U+D800)");
    assertThatThrownBy(() -> JsonLines.parse(name, 3))
        .isInstanceOf(JsonLinesException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("surrogate in");
  }

  @Test
  void shouldRefuseALeapSecondRatherThanMoveIt() {
    String leap = EXAMPLE.replace("2026-11-21T10:00:00.123456Z", "2016-12-31T23:59:60Z");

    assertThatThrownBy(() -> JsonLines.parse(leap, 9))
        .isInstanceOfSatisfying(
            JsonLinesException.class, e -> assertThat(e.field()).isEqualTo("commitTime"))
        .hasMessageContaining("leap second");
  }

  @Test
  void shouldSayInItsOwnWordsThatNaNIsNoJsonNumber() {
    String nan = EXAMPLE.replace("\"id\":7,\"status\"", "\"id\":7,\"ratio\":NaN,\"status\"");

    assertThatThrownBy(() -> JsonLines.parse(nan, 5))
        .isInstanceOf(JsonLinesException.class)
        .hasMessageContaining("NaN and Infinity are not JSON numbers")
        .hasMessageNotContaining("enable");
  }

  @Test
  void shouldFormatTheDocumentedExampleBackToTheSameLine() {
    assertThat(JsonLines.format(JsonLines.parse(EXAMPLE, 1))).isEqualTo(EXAMPLE);
  }

  @Test
  void shouldMapEveryTaggedTypeWhenParsing() {
    String line =
        "{\"database\":\"d\",\"table\":\"t\",\"op\":\"INSERT\",\"key\":{\"k\":1},\"after\":{"
            + "\"b\":{\"$bytes\":\"AQL/\"},\"d\":{\"$date\":\"2026-02-28\"},"
            + "\"ts\":{\"$timestamp\":\"2026-11-21T10:00:00.5Z\"},\"f\":1.5,\"e\":1e3,"
            + "\"n\":null,\"t\":false,\"s\":\"\"},"
            + "\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\","
            + "\"schemaVersion\":4}";

    ChangeRecord record = JsonLines.parse(line, 1);

    Map<String, Object> after = record.getAfter();
    assertThat(after.get("b")).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, (byte) 0xFF}));
    assertThat(after.get("d")).isEqualTo(Values.date(LocalDate.of(2026, 2, 28)));
    assertThat(after.get("ts"))
        .isEqualTo(Values.timestamp(Instant.parse("2026-11-21T10:00:00.500Z")));
    assertThat(after.get("f")).isEqualTo(1.5);
    assertThat(after.get("e")).isEqualTo(1000.0);
    assertThat(after.get("n")).isNull();
    assertThat(after).containsKey("n");
    assertThat(after.get("t")).isEqualTo(false);
    assertThat(after.get("s")).isEqualTo("");
    assertThat(record.getSchemaVersion()).isEqualTo(4);
  }

  @Property(tries = 300)
  void shouldRoundTripWhenFormattedAndParsed(@ForAll("records") ChangeRecord record) {
    String line = JsonLines.format(record);

    assertThat(line).doesNotContain("\n");
    assertThat(JsonLines.parse(line, 1)).isEqualTo(record);
  }

  @Provide
  Arbitrary<ChangeRecord> records() {
    return ChangeRecordArbitraries.records(Profile.JSON);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not json|{\"database\":|<none>|not valid JSON",
        "array|[1,2]|<none>|expected a JSON object",
        "missing database|{\"table\":\"t\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|database|is required",
        "empty table|{\"database\":\"d\",\"table\":\"\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|table|must not be empty",
        "unknown op|{\"database\":\"d\",\"table\":\"t\",\"op\":\"UPSERT\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|op|unknown op 'UPSERT'",
        "unknown field|{\"database\":\"d\",\"tabel\":\"t\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|tabel|unknown field",
        "insert without after|{\"database\":\"d\",\"table\":\"t\",\"op\":\"INSERT\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|after|is required",
        "delete with after|{\"database\":\"d\",\"table\":\"t\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"after\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|after|must be absent or null for DELETE",
        "empty key|{\"database\":\"d\",\"table\":\"t\",\"op\":\"DELETE\",\"key\":{},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|key|at least one primary-key column",
        "truncate with key|{\"database\":\"d\",\"table\":\"t\",\"op\":\"TRUNCATE\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|key|must be empty for TRUNCATE",
        "fractional lsn|{\"database\":\"d\",\"table\":\"t\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"lsn\":1.5,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|lsn|expected an integer",
        "huge lsn|{\"database\":\"d\",\"table\":\"t\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"lsn\":99999999999999999999,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|lsn|64-bit long",
        "negative txIndex|{\"database\":\"d\",\"table\":\"t\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":-1,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|txIndex|non-negative",
        "string txLast|{\"database\":\"d\",\"table\":\"t\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":\"yes\",\"commitTime\":\"2026-11-21T10:00:00Z\"}|txLast|expected true or false",
        "offset commitTime|{\"database\":\"d\",\"table\":\"t\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00+01:00\"}|commitTime|must be UTC",
        "nanosecond commitTime|{\"database\":\"d\",\"table\":\"t\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00.1234567Z\"}|commitTime|more precise than microseconds",
        "bad base64|{\"database\":\"d\",\"table\":\"t\",\"op\":\"INSERT\",\"key\":{\"k\":1},\"after\":{\"b\":{\"$bytes\":\"!!\"}},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|after.b|not valid base64",
        "exponent decimal|{\"database\":\"d\",\"table\":\"t\",\"op\":\"INSERT\",\"key\":{\"k\":1},\"after\":{\"x\":{\"$decimal\":\"1E3\"}},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|after.x|not a plain decimal",
        "bad date|{\"database\":\"d\",\"table\":\"t\",\"op\":\"INSERT\",\"key\":{\"k\":1},\"after\":{\"x\":{\"$date\":\"2026-02-30\"}},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|after.x|not a valid date",
        "unknown tag|{\"database\":\"d\",\"table\":\"t\",\"op\":\"INSERT\",\"key\":{\"k\":1},\"after\":{\"x\":{\"$uuid\":\"a\"}},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|after.x|unknown tag $uuid",
        "array value|{\"database\":\"d\",\"table\":\"t\",\"op\":\"INSERT\",\"key\":{\"k\":[1]},\"after\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|key.k|arrays are not column values",
        "duplicate field|{\"database\":\"d\",\"database\":\"e\",\"table\":\"t\",\"op\":\"DELETE\",\"key\":{\"k\":1},\"lsn\":1,\"txIndex\":0,\"txLast\":true,\"commitTime\":\"2026-11-21T10:00:00Z\"}|<none>|Duplicate field 'database'",
      })
  void shouldNameLineAndFieldWhenALineBreaksTheContract(
      String scenario, String line, String field, String message) {
    assertThatThrownBy(() -> JsonLines.parse(line, 42))
        .isInstanceOfSatisfying(
            JsonLinesException.class,
            e -> {
              assertThat(e.line()).isEqualTo(42);
              assertThat(e.field()).isEqualTo("<none>".equals(field) ? null : field);
            })
        .hasMessageStartingWith("Cannot parse change record at line 42")
        .hasMessageContaining(message);
  }

  @Test
  void shouldReportTheLineNumberWhenReadingAStreamWithBlankLines() {
    String text = EXAMPLE + "\n\n" + EXAMPLE + "\n{\"database\":\"x\"}\n" + EXAMPLE + "\n";
    List<ChangeRecord> read = new ArrayList<>();

    assertThatThrownBy(
            () -> {
              try (JsonLinesReader reader = new JsonLinesReader(new StringReader(text))) {
                reader.forEachRemaining(read::add);
              }
            })
        .isInstanceOfSatisfying(JsonLinesException.class, e -> assertThat(e.line()).isEqualTo(4));
    assertThat(read).hasSize(2);
  }

  @Test
  void shouldRefuseToFormatNaNWhenWriting() {
    ChangeRecord record = JsonLines.parse(EXAMPLE, 1);
    record.getAfter().put("ratio", Double.NaN);

    assertThatThrownBy(() -> JsonLines.format(record))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after.ratio");
  }

  @Test
  void shouldWriteUtf8UnicodeLiterally() {
    String line = EXAMPLE.replace("paid", "bezahlt ✓ 日本");

    String formatted = JsonLines.format(JsonLines.parse(line, 1));

    assertThat(formatted.getBytes(StandardCharsets.UTF_8))
        .isEqualTo(line.getBytes(StandardCharsets.UTF_8));
  }
}
