package io.walstream.cli.command;

import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.schemas.avro.RestoreTargetSpec;
import io.walstream.schemas.avro.TargetKind;
import io.walstream.schemas.value.Lsn;
import io.walstream.schemas.value.Values;
import picocli.CommandLine.Option;

/** Exactly one restore target: {@code --latest}, {@code --lsn N} or {@code --to TIME}. */
final class TargetOption {
  @Option(names = "--latest", description = "Every complete transaction.")
  boolean latest;

  @Option(
      names = "--lsn",
      converter = LsnText.class,
      description =
          "Transactions with lsn <= N; N a number or PostgreSQL's X/Y, e.g. 0/16B3748 (as"
              + " pg_current_wal_lsn() prints it).")
  Long lsn;

  @Option(
      names = "--to",
      converter = UtcTime.class,
      description = "The database as of this ISO-8601 UTC time, e.g. 2026-11-21T10:00:00Z.")
  java.time.Instant time;

  /** Parses {@code --to} as the archive does, so that a bad time is a usage error (exit 2). */
  static final class UtcTime implements picocli.CommandLine.ITypeConverter<java.time.Instant> {
    @Override
    public java.time.Instant convert(String value) {
      try {
        return Values.parseTimestamp(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Parses {@code --lsn}: a number, or PostgreSQL's X/Y; a bad one is a usage error. */
  static final class LsnText implements picocli.CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Lsn.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  RestoreTarget toTarget() {
    if (lsn != null) {
      return new RestoreTarget.AtLsn(lsn);
    }
    if (time != null) {
      return new RestoreTarget.AtTime(time);
    }
    return new RestoreTarget.Latest();
  }

  /** The same target as carried in a restore command. */
  RestoreTargetSpec toSpec() {
    RestoreTarget target = toTarget();
    RestoreTargetSpec.Builder spec = RestoreTargetSpec.newBuilder();
    if (target instanceof RestoreTarget.AtLsn at) {
      return spec.setKind(TargetKind.LSN).setLsn(at.lsn()).setTime(null).build();
    }
    if (target instanceof RestoreTarget.AtTime at) {
      return spec.setKind(TargetKind.TIME).setLsn(null).setTime(at.time()).build();
    }
    return spec.setKind(TargetKind.LATEST).setLsn(null).setTime(null).build();
  }
}
