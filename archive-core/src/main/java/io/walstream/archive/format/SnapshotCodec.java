package io.walstream.archive.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.format.Snapshot.CatalogPosition;
import io.walstream.archive.format.Snapshot.Chunk;
import io.walstream.archive.format.Snapshot.Column;
import io.walstream.archive.format.Snapshot.GapCrossed;
import io.walstream.archive.format.Snapshot.Incomplete;
import io.walstream.archive.format.Snapshot.StreamPosition;
import io.walstream.archive.format.Snapshot.Table;
import io.walstream.archive.layout.InvalidNameException;
import io.walstream.schemas.value.ValueType;
import io.walstream.schemas.value.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Canonical JSON of {@link Snapshot}: UTF-8, every field present in the order of docs/FORMAT.md
 * section 8, no insignificant whitespace, timestamps as ISO-8601 UTC with six fraction digits. The
 * same snapshot always encodes to the same bytes; decoding is as strict as for manifests.
 */
public final class SnapshotCodec {
  private static final List<String> FIELDS =
      List.of(
          "formatVersion",
          "database",
          "lsn",
          "commitTime",
          "maxCommitTime",
          "streams",
          "catalog",
          "tables",
          "chunks",
          "incomplete",
          "gaps",
          "prevSnapshotSha256",
          "writerVersion",
          "writerId");
  private static final List<String> STREAM =
      List.of("topic", "partition", "seq", "manifestSha256", "lastLsn", "lastTxIndex");
  private static final List<String> CATALOG = List.of("seq", "sha256");
  private static final List<String> TABLE = List.of("name", "keys", "columns", "rows", "bytes");
  private static final List<String> COLUMN = List.of("name", "type");
  private static final List<String> CHUNK = List.of("table", "key", "sha256", "byteSize", "rows");
  private static final List<String> ENCRYPTED_CHUNK =
      List.of("table", "key", "sha256", "byteSize", "rows", "encryption");
  private static final List<String> INCOMPLETE = List.of("transactions", "records", "lsns");
  private static final List<String> GAP =
      List.of("topic", "partition", "seq", "firstOffset", "lastOffset");

  private SnapshotCodec() {}

  /** The canonical bytes of {@code snapshot}. */
  public static byte[] encode(Snapshot s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = CanonicalJson.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("formatVersion", s.formatVersion());
      g.writeStringField("database", s.database());
      g.writeNumberField("lsn", s.lsn());
      g.writeStringField("commitTime", time(s.commitTime()));
      g.writeStringField("maxCommitTime", time(s.maxCommitTime()));
      writeStreams(g, s.streams());
      g.writeObjectFieldStart("catalog");
      g.writeNumberField("seq", s.catalog().seq());
      g.writeStringField("sha256", s.catalog().sha256());
      g.writeEndObject();
      writeTables(g, s.tables());
      writeChunks(g, s.chunks(), s.formatVersion() == Snapshot.ENCRYPTED_FORMAT_VERSION);
      writeIncomplete(g, s.incomplete());
      writeGaps(g, s.gaps());
      if (s.prevSnapshotSha256() == null) {
        g.writeNullField("prevSnapshotSha256");
      } else {
        g.writeStringField("prevSnapshotSha256", s.prevSnapshotSha256());
      }
      g.writeStringField("writerVersion", s.writerVersion());
      g.writeStringField("writerId", s.writerId());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode snapshot " + s.key(), e);
    }
    return out.toByteArray();
  }

  private static String time(long micros) {
    return Values.formatTimestamp(Values.fromMicros(micros));
  }

  private static void writeStreams(JsonGenerator g, List<StreamPosition> streams)
      throws IOException {
    g.writeArrayFieldStart("streams");
    for (StreamPosition p : streams) {
      g.writeStartObject();
      g.writeStringField("topic", p.topic());
      g.writeNumberField("partition", p.partition());
      g.writeNumberField("seq", p.seq());
      g.writeStringField("manifestSha256", p.manifestSha256());
      g.writeNumberField("lastLsn", p.last().lsn());
      g.writeNumberField("lastTxIndex", p.last().txIndex());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeTables(JsonGenerator g, List<Table> tables) throws IOException {
    g.writeArrayFieldStart("tables");
    for (Table t : tables) {
      g.writeStartObject();
      g.writeStringField("name", t.name());
      writeColumns(g, "keys", t.keys());
      writeColumns(g, "columns", t.columns());
      g.writeNumberField("rows", t.rows());
      g.writeNumberField("bytes", t.bytes());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeColumns(JsonGenerator g, String name, List<Column> columns)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (Column c : columns) {
      g.writeStartObject();
      g.writeStringField("name", c.name());
      g.writeStringField("type", c.type().wireName());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeChunks(JsonGenerator g, List<Chunk> chunks, boolean declared)
      throws IOException {
    g.writeArrayFieldStart("chunks");
    for (Chunk c : chunks) {
      g.writeStartObject();
      g.writeStringField("table", c.table());
      g.writeStringField("key", c.key());
      g.writeStringField("sha256", c.sha256());
      g.writeNumberField("byteSize", c.byteSize());
      g.writeNumberField("rows", c.rows());
      if (declared) {
        ManifestCodec.writeEncryption(g, "encryption", c.encryption());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeIncomplete(JsonGenerator g, Incomplete incomplete) throws IOException {
    g.writeObjectFieldStart("incomplete");
    g.writeNumberField("transactions", incomplete.transactions());
    g.writeNumberField("records", incomplete.records());
    g.writeArrayFieldStart("lsns");
    for (long lsn : incomplete.lsns()) {
      g.writeNumber(lsn);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeGaps(JsonGenerator g, List<GapCrossed> gaps) throws IOException {
    g.writeArrayFieldStart("gaps");
    for (GapCrossed gap : gaps) {
      g.writeStartObject();
      g.writeStringField("topic", gap.topic());
      g.writeNumberField("partition", gap.partition());
      g.writeNumberField("seq", gap.seq());
      g.writeNumberField("firstOffset", gap.firstOffset());
      g.writeNumberField("lastOffset", gap.lastOffset());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * Decodes the snapshot manifest stored at {@code key}.
   *
   * @throws UnknownFormatException when the format version is missing or unknown
   * @throws IntegrityException for any other deviation from the format
   */
  public static Snapshot decode(byte[] bytes, String key) {
    JsonNode node = CanonicalJson.readObject(bytes, key, "snapshot");
    JsonNode version = node.get("formatVersion");
    if (version == null
        || !version.isInt()
        || (version.intValue() != Snapshot.FORMAT_VERSION
            && version.intValue() != Snapshot.ENCRYPTED_FORMAT_VERSION)) {
      throw new UnknownFormatException(
          key,
          "Cannot read snapshot "
              + key
              + ": "
              + (version == null ? "no formatVersion" : "unknown formatVersion " + version));
    }
    StrictJson f = StrictJson.root(node, key, "snapshot", FIELDS);
    Snapshot snapshot;
    try {
      snapshot = build(f, version.intValue() == Snapshot.ENCRYPTED_FORMAT_VERSION);
    } catch (IllegalArgumentException | InvalidNameException e) {
      // A name the layout refuses (a control character, say) is a malformed document too.
      throw f.bad(e.getMessage());
    }
    if (!Arrays.equals(encode(snapshot), bytes)) {
      throw f.bad("not in canonical form (field order, whitespace or number format)");
    }
    return snapshot;
  }

  private static Snapshot build(StrictJson f, boolean declared) {
    StrictJson c = f.object("catalog", CATALOG);
    CatalogPosition catalog = new CatalogPosition(c.longValue("seq"), c.text("sha256"));
    StrictJson inc = f.object("incomplete", INCOMPLETE);
    return new Snapshot(
        f.text("database"),
        f.longValue("lsn"),
        f.time("commitTime"),
        f.time("maxCommitTime"),
        f.objects("streams", STREAM, SnapshotCodec::stream),
        catalog,
        f.objects("tables", TABLE, SnapshotCodec::table),
        declared
            ? f.objects("chunks", ENCRYPTED_CHUNK, SnapshotCodec::encryptedChunk)
            : f.objects("chunks", CHUNK, SnapshotCodec::chunk),
        new Incomplete(inc.longValue("transactions"), inc.longValue("records"), inc.longs("lsns")),
        f.objects("gaps", GAP, SnapshotCodec::gap),
        f.optionalText("prevSnapshotSha256"),
        f.text("writerVersion"),
        f.text("writerId"));
  }

  private static StreamPosition stream(StrictJson s) {
    return new StreamPosition(
        s.text("topic"),
        s.integer("partition"),
        s.longValue("seq"),
        s.text("manifestSha256"),
        new Position(s.longValue("lastLsn"), s.integer("lastTxIndex")));
  }

  private static Table table(StrictJson t) {
    return new Table(
        t.text("name"),
        t.objects("keys", COLUMN, SnapshotCodec::column),
        t.objects("columns", COLUMN, SnapshotCodec::column),
        t.longValue("rows"),
        t.longValue("bytes"));
  }

  private static Column column(StrictJson c) {
    String type = c.text("type");
    return new Column(c.text("name"), ValueType.named(type));
  }

  private static Chunk chunk(StrictJson c) {
    return new Chunk(
        c.text("table"),
        c.text("key"),
        c.text("sha256"),
        c.longValue("byteSize"),
        c.longValue("rows"));
  }

  private static Chunk encryptedChunk(StrictJson c) {
    Chunk plain = chunk(c);
    return new Chunk(
        plain.table(),
        plain.key(),
        plain.sha256(),
        plain.byteSize(),
        plain.rows(),
        ManifestCodec.encryption(c, "encryption"));
  }

  private static GapCrossed gap(StrictJson g) {
    return new GapCrossed(
        g.text("topic"),
        g.integer("partition"),
        g.longValue("seq"),
        g.longValue("firstOffset"),
        g.longValue("lastOffset"));
  }
}
