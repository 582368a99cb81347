package io.walstream.archive.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.format.Retention.SnapshotRef;
import io.walstream.archive.format.Retention.StreamFloor;
import io.walstream.archive.layout.InvalidNameException;
import io.walstream.schemas.value.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Canonical JSON of {@link Retention}, {@link Lease} and {@link Lock} (docs/FORMAT.md section 10):
 * UTF-8, every field present in the documented order, no insignificant whitespace, times as
 * ISO-8601 UTC with six fraction digits; decoding is as strict as for manifests.
 */
public final class RetentionCodec {
  private static final List<String> FIELDS =
      List.of("formatVersion", "database", "snapshot", "streams", "writerVersion", "writerId");
  private static final List<String> SNAPSHOT =
      List.of("key", "lsn", "sha256", "commitTime", "maxCommitTime");
  private static final List<String> STREAM =
      List.of(
          "topic",
          "partition",
          "seq",
          "manifestSha256",
          "lastLsn",
          "lastTxIndex",
          "lastSourceOffset");
  private static final List<String> LOCK =
      List.of("formatVersion", "database", "holder", "purpose", "expiresAt");
  private static final List<String> LEASE =
      List.of("formatVersion", "database", "holder", "purpose", "retentionKey");

  private RetentionCodec() {}

  /** The canonical bytes of {@code retention}. */
  public static byte[] encode(Retention r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = CanonicalJson.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("formatVersion", Retention.FORMAT_VERSION);
      g.writeStringField("database", r.database());
      SnapshotRef s = r.snapshot();
      g.writeObjectFieldStart("snapshot");
      g.writeStringField("key", s.key());
      g.writeNumberField("lsn", s.lsn());
      g.writeStringField("sha256", s.sha256());
      g.writeStringField("commitTime", time(s.commitTime()));
      g.writeStringField("maxCommitTime", time(s.maxCommitTime()));
      g.writeEndObject();
      g.writeArrayFieldStart("streams");
      for (StreamFloor f : r.streams()) {
        g.writeStartObject();
        g.writeStringField("topic", f.topic());
        g.writeNumberField("partition", f.partition());
        g.writeNumberField("seq", f.seq());
        g.writeStringField("manifestSha256", f.manifestSha256());
        g.writeNumberField("lastLsn", f.last().lsn());
        g.writeNumberField("lastTxIndex", f.last().txIndex());
        g.writeNumberField("lastSourceOffset", f.lastSourceOffset());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("writerVersion", r.writerVersion());
      g.writeStringField("writerId", r.writerId());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode retention record " + r.key(), e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes the retention record stored at {@code key}.
   *
   * @throws UnknownFormatException when the format version is missing or unknown
   * @throws IntegrityException for any other deviation from the format, or a record stored at
   *     another's key
   */
  public static Retention decode(byte[] bytes, String key) {
    StrictJson f = root(bytes, key, "retention record", FIELDS, Retention.FORMAT_VERSION);
    Retention retention;
    try {
      StrictJson s = f.object("snapshot", SNAPSHOT);
      retention =
          new Retention(
              f.text("database"),
              new SnapshotRef(
                  s.text("key"),
                  s.longValue("lsn"),
                  s.text("sha256"),
                  s.time("commitTime"),
                  s.time("maxCommitTime")),
              f.objects("streams", STREAM, RetentionCodec::floor),
              f.text("writerVersion"),
              f.text("writerId"));
    } catch (IllegalArgumentException | InvalidNameException e) {
      // A name the layout refuses (a control character, say) is a malformed document too.
      throw f.bad(e.getMessage());
    }
    if (!Arrays.equals(encode(retention), bytes)) {
      throw f.bad("not in canonical form (field order, whitespace or number format)");
    }
    if (!retention.key().equals(key)) {
      throw f.bad(
          "it is the record of snapshot lsn " + retention.snapshot().lsn() + ", not this key's");
    }
    return retention;
  }

  /** The canonical bytes of {@code lease}. */
  public static byte[] encode(Lease lease) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = CanonicalJson.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("formatVersion", Lease.FORMAT_VERSION);
      g.writeStringField("database", lease.database());
      g.writeStringField("holder", lease.holder());
      g.writeStringField("purpose", lease.purpose());
      if (lease.retentionKey() == null) {
        g.writeNullField("retentionKey");
      } else {
        g.writeStringField("retentionKey", lease.retentionKey());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode lease of " + lease.holder(), e);
    }
    return out.toByteArray();
  }

  /** Decodes the lease stored at {@code key}, as strictly as a retention record. */
  public static Lease decodeLease(byte[] bytes, String key) {
    StrictJson f = root(bytes, key, "lease", LEASE, Lease.FORMAT_VERSION);
    Lease lease;
    try {
      lease =
          new Lease(
              f.text("database"),
              f.text("holder"),
              f.text("purpose"),
              f.optionalText("retentionKey"));
    } catch (IllegalArgumentException | InvalidNameException e) {
      // A name the layout refuses (a control character, say) is a malformed document too.
      throw f.bad(e.getMessage());
    }
    if (!Arrays.equals(encode(lease), bytes)) {
      throw f.bad("not in canonical form (field order, whitespace or number format)");
    }
    return lease;
  }

  /** The canonical bytes of {@code lock}. */
  public static byte[] encode(Lock lock) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = CanonicalJson.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("formatVersion", Lock.FORMAT_VERSION);
      g.writeStringField("database", lock.database());
      g.writeStringField("holder", lock.holder());
      g.writeStringField("purpose", lock.purpose());
      g.writeStringField("expiresAt", time(lock.expiresAt()));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode lock of " + lock.holder(), e);
    }
    return out.toByteArray();
  }

  /** Decodes the lock generation stored at {@code key}, as strictly as a retention record. */
  public static Lock decodeLock(byte[] bytes, String key) {
    StrictJson f = root(bytes, key, "lock", LOCK, Lock.FORMAT_VERSION);
    Lock lock;
    try {
      lock = new Lock(f.text("database"), f.text("holder"), f.text("purpose"), f.time("expiresAt"));
    } catch (IllegalArgumentException e) {
      throw f.bad(e.getMessage());
    }
    if (!Arrays.equals(encode(lock), bytes)) {
      throw f.bad("not in canonical form (field order, whitespace or number format)");
    }
    return lock;
  }

  private static StrictJson root(
      byte[] bytes, String key, String what, List<String> fields, int formatVersion) {
    JsonNode node = CanonicalJson.readObject(bytes, key, what);
    JsonNode version = node.get("formatVersion");
    if (version == null || !version.isInt() || version.intValue() != formatVersion) {
      throw new UnknownFormatException(
          key,
          "Cannot read "
              + what
              + " "
              + key
              + ": "
              + (version == null ? "no formatVersion" : "unknown formatVersion " + version));
    }
    return StrictJson.root(node, key, what, fields);
  }

  private static StreamFloor floor(StrictJson s) {
    return new StreamFloor(
        s.text("topic"),
        s.integer("partition"),
        s.longValue("seq"),
        s.text("manifestSha256"),
        new Position(s.longValue("lastLsn"), s.integer("lastTxIndex")),
        s.longValue("lastSourceOffset"));
  }

  private static String time(long micros) {
    return Values.formatTimestamp(Values.fromMicros(micros));
  }
}
