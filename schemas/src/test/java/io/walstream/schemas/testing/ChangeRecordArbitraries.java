package io.walstream.schemas.testing;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.value.Values;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of valid change records and column values, shared by the test suites of every
 * module. {@link Profile#AVRO} covers every Value type with extreme and awkward values; {@link
 * Profile#JSON} only those JSON Lines can carry exactly (no int, no float, finite doubles, decimals
 * with a non-negative scale).
 */
public final class ChangeRecordArbitraries {
  /** Which value types to generate. */
  public enum Profile {
    AVRO,
    JSON
  }

  private static final long MIN_MICROS = Values.toMicros(Instant.parse("0001-01-01T00:00:00Z"));
  private static final long MAX_MICROS =
      Values.toMicros(Instant.parse("9999-12-31T23:59:59.999999Z"));

  private ChangeRecordArbitraries() {}

  /** Awkward but valid identifiers: unicode, spaces, quotes, reserved words, long names. */
  public static Arbitrary<String> identifiers() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().withChars('_').ofMinLength(1).ofMaxLength(12),
        Arbitraries.of(
            "order", "select", "table with space", "quo\"te", "it's", "ÿ€ñ", "日本語", "a.b", "x"),
        Arbitraries.strings()
            .all()
            .ofMinLength(1)
            .ofMaxLength(20)
            .filter(s -> !s.contains("\0") && wellFormed(s)));
  }

  /** Strings including empty, unicode and surrogate pairs. */
  public static Arbitrary<String> strings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40).filter(ChangeRecordArbitraries::wellFormed),
        Arbitraries.of("", "😀 emoji", "line\nbreak", "tab\there", "\u0000nul"));
  }

  /** Whether {@code s} is valid UTF-16 (no lone surrogates), so that it survives UTF-8. */
  public static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  public static Arbitrary<Object> values(Profile profile) {
    Arbitrary<Object> common =
        Arbitraries.oneOf(
            Arbitraries.just(null),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L).map(l -> (Object) l),
            doubles(profile).map(d -> (Object) d),
            strings().map(s -> (Object) s),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(b -> ByteBuffer.wrap(b)),
            decimals(profile).map(d -> (Object) Values.decimal(d)),
            Arbitraries.longs()
                .between(
                    LocalDate.of(1, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31).toEpochDay())
                .map(day -> (Object) Values.date(LocalDate.ofEpochDay(day))),
            Arbitraries.longs()
                .between(MIN_MICROS, MAX_MICROS)
                .map(m -> (Object) Values.timestamp(Values.fromMicros(m))));
    if (profile == Profile.JSON) {
      return common;
    }
    return Arbitraries.oneOf(
        common,
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE).map(i -> (Object) i),
        Arbitraries.floats().map(f -> (Object) f),
        Arbitraries.of(Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE).map(f -> (Object) f));
  }

  private static Arbitrary<Double> doubles(Profile profile) {
    Arbitrary<Double> finite =
        Arbitraries.oneOf(
            Arbitraries.doubles(),
            Arbitraries.of(Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 0.0, -0.0));
    if (profile == Profile.JSON) {
      return finite;
    }
    return Arbitraries.oneOf(
        finite, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
  }

  private static Arbitrary<BigDecimal> decimals(Profile profile) {
    int minScale = profile == Profile.JSON ? 0 : -10;
    return Combinators.combine(
            Arbitraries.bigIntegers()
                .between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)),
            Arbitraries.integers().between(minScale, 30))
        .as(BigDecimal::new);
  }

  public static Arbitrary<Map<String, Object>> rows(Profile profile, int minSize) {
    return Arbitraries.maps(identifiers(), values(profile))
        .ofMinSize(minSize)
        .ofMaxSize(6)
        .map(LinkedHashMap::new);
  }

  /** Valid records of any op: TRUNCATE has an empty key, DELETE and TRUNCATE no after image. */
  public static Arbitrary<ChangeRecord> records(Profile profile) {
    Arbitrary<Op> ops = Arbitraries.of(Op.class);
    return Combinators.combine(
            List.<Arbitrary<Object>>of(
                identifiers().asGeneric(),
                identifiers().asGeneric(),
                ops.asGeneric(),
                rows(profile, 1).asGeneric(),
                rows(profile, 0).asGeneric(),
                Arbitraries.oneOf(Arbitraries.just(null), rows(profile, 0)).asGeneric(),
                Arbitraries.longs().asGeneric(),
                Arbitraries.integers().greaterOrEqual(0).asGeneric(),
                Arbitraries.of(true, false).asGeneric(),
                Arbitraries.longs().between(MIN_MICROS, MAX_MICROS).asGeneric(),
                Arbitraries.integers().asGeneric()))
        .as(ChangeRecordArbitraries::build);
  }

  @SuppressWarnings("unchecked")
  private static ChangeRecord build(List<Object> p) {
    Op op = (Op) p.get(2);
    Map<String, Object> key = op == Op.TRUNCATE ? Map.of() : (Map<String, Object>) p.get(3);
    boolean hasAfter = op == Op.INSERT || op == Op.UPDATE;
    return ChangeRecord.newBuilder()
        .setDatabase((String) p.get(0))
        .setTable((String) p.get(1))
        .setOp(op)
        .setKey(new LinkedHashMap<>(key))
        .setAfter(hasAfter ? (Map<String, Object>) p.get(4) : null)
        .setBefore((Map<String, Object>) p.get(5))
        .setLsn((Long) p.get(6))
        .setTxIndex((Integer) p.get(7))
        .setTxLast((Boolean) p.get(8))
        .setCommitTime(Values.fromMicros((Long) p.get(9)))
        .setSchemaVersion((Integer) p.get(10))
        .build();
  }
}
