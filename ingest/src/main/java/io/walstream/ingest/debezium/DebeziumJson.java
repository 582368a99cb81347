package io.walstream.ingest.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import io.walstream.schemas.avro.Op;
import io.walstream.service.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Debezium change events and transaction metadata serialized by Kafka Connect's {@code
 * JsonConverter}, with ({@code schemas.enable=true}: {@code {"schema":…,"payload":…}}) or without
 * schemas. Every problem is a {@link MappingException} naming the field.
 */
public final class DebeziumJson {
  /** The value Debezium writes for an unchanged TOASTed column it could not read. */
  public static final String UNAVAILABLE_VALUE = "__debezium_unavailable_value";

  private static final java.util.regex.Pattern POSTGRES_TRANSACTION_ID =
      java.util.regex.Pattern.compile("[0-9]+:[0-9]+");

  private final String databaseOverride;
  private final DocumentReader documents;

  /**
   * Events written by JsonConverter; {@code databaseOverride}: the walstream database for every
   * event, or null for source.db.
   */
  public DebeziumJson(String databaseOverride) {
    this(databaseOverride, new ConnectDocuments());
  }

  /** Events written by Confluent's AvroConverter, their schemas read from {@code registry}. */
  public static DebeziumJson avro(String databaseOverride, SchemaRegistryClient registry) {
    return new DebeziumJson(databaseOverride, new AvroDocuments(registry));
  }

  private DebeziumJson(String databaseOverride, DocumentReader documents) {
    this.databaseOverride =
        databaseOverride == null || databaseOverride.isEmpty() ? null : databaseOverride;
    this.documents = documents;
  }

  /** Reads one record of a change event topic. */
  public DebeziumEvent change(byte[] key, byte[] value) {
    if (value == null) {
      return new DebeziumEvent.Tombstone();
    }
    ConnectDocuments.Document doc = documents.read(value, "value");
    JsonNode payload = doc.payload();
    if (payload == null || payload.isNull()) {
      return new DebeziumEvent.Tombstone();
    }
    JsonNode source = required(payload, "source", "value");
    String code = required(payload, "op", "value").asText();
    Op op = op(code);
    String table = table(source);
    Map<String, Object> keyColumns = op == Op.TRUNCATE ? Map.of() : key(key, table);
    Map<String, JsonNode> fields = documents.fields(doc.schema());
    Map<String, Object> after = image(fields.get("after"), payload.get("after"), table + ".after");
    Map<String, Object> before =
        image(fields.get("before"), payload.get("before"), table + ".before");
    return new DebeziumEvent.Change(
        database(source),
        table,
        op,
        keyColumns,
        op == Op.DELETE || op == Op.TRUNCATE ? null : after,
        before,
        commitTime(source),
        source.path("lsn").canConvertToLong() ? source.path("lsn").asLong() : -1,
        place(payload.get("transaction")),
        origin(code, source.path("snapshot").asText("false")));
  }

  /**
   * Where a change comes from: a read ({@code op = r}) with a blocking snapshot's {@code
   * source.snapshot} marker is a snapshot row, with {@code incremental} an incremental snapshot's.
   */
  private static DebeziumEvent.Origin origin(String op, String snapshot) {
    if (!"r".equals(op)) {
      return DebeziumEvent.Origin.STREAM;
    }
    return "incremental".equals(snapshot)
        ? DebeziumEvent.Origin.INCREMENTAL_SNAPSHOT
        : DebeziumEvent.Origin.SNAPSHOT;
  }

  /** Reads one record of the transaction metadata topic. */
  public DebeziumEvent.Boundary boundary(byte[] value, Optional<Long> commitLsn) {
    if (value == null) {
      throw new MappingException("A transaction metadata event has no value");
    }
    JsonNode payload = documents.read(value, "transaction event").payload();
    String status = required(payload, "status", "transaction event").asText();
    String id = transactionKey(required(payload, "id", "transaction event").asText());
    if ("BEGIN".equals(status)) {
      return new DebeziumEvent.Boundary(
          DebeziumEvent.Status.BEGIN, id, 0, Map.of(), Optional.empty(), -1);
    }
    if (!"END".equals(status)) {
      throw new MappingException("Transaction " + id + " has unknown status '" + status + "'");
    }
    Map<String, Long> collections = new HashMap<>();
    for (JsonNode c : payload.path("data_collections")) {
      collections.put(c.path("data_collection").asText(), c.path("event_count").asLong());
    }
    JsonNode count = required(payload, "event_count", "END of transaction " + id);
    return new DebeziumEvent.Boundary(
        DebeziumEvent.Status.END,
        id,
        count.asLong(),
        collections,
        commitLsn,
        payload.path("ts_ms").canConvertToLong() ? payload.path("ts_ms").asLong() * 1_000 : -1);
  }

  private String database(JsonNode source) {
    if (databaseOverride != null) {
      return databaseOverride;
    }
    String db = source.path("db").asText("");
    if (db.isEmpty()) {
      throw new MappingException("source.db is missing and no database name was given");
    }
    return db;
  }

  private static String table(JsonNode source) {
    String table = source.path("table").asText("");
    if (table.isEmpty()) {
      throw new MappingException("source.table is missing");
    }
    String schema = source.path("schema").asText("");
    return schema.isEmpty() ? table : schema + "." + table;
  }

  private static Op op(String code) {
    switch (code) {
      case "c", "r":
        return Op.INSERT;
      case "u":
        return Op.UPDATE;
      case "d":
        return Op.DELETE;
      case "t":
        return Op.TRUNCATE;
      default:
        throw new MappingException("Unknown op '" + code + "' (expected c, u, d, r or t)");
    }
  }

  private Map<String, Object> key(byte[] key, String table) {
    if (key == null) {
      throw new MappingException(
          "The event of "
              + table
              + " has no record key; a table without a primary key cannot"
              + " be restored row by row (give it one, or set message.key.columns)");
    }
    ConnectDocuments.Document doc = documents.read(key, "key");
    if (!doc.payload().isObject()) {
      throw new MappingException("The key of " + table + " is not a JSON object");
    }
    return ConnectValues.row(documents.fields(doc.schema()), doc.payload(), table + ".key");
  }

  private Map<String, Object> image(JsonNode schema, JsonNode image, String where) {
    if (image == null || image.isNull()) {
      return null;
    }
    // The image's own struct schema; an optional struct's schema is the field's schema itself.
    Map<String, Object> row = ConnectValues.row(documents.fields(schema), image, where);
    for (Map.Entry<String, Object> column : row.entrySet()) {
      if (UNAVAILABLE_VALUE.equals(column.getValue())) {
        throw new MappingException(
            where
                + "."
                + column.getKey()
                + " holds Debezium's unavailable-value placeholder (an"
                + " unchanged TOASTed column): set REPLICA IDENTITY FULL on the table");
      }
    }
    return new LinkedHashMap<>(row);
  }

  private static long commitTime(JsonNode source) {
    if (source.path("ts_us").canConvertToLong()) {
      return source.path("ts_us").asLong();
    }
    if (source.path("ts_ms").canConvertToLong()) {
      return source.path("ts_ms").asLong() * 1_000;
    }
    throw new MappingException("source.ts_ms is missing");
  }

  private static Optional<DebeziumEvent.TransactionPlace> place(JsonNode transaction) {
    if (transaction == null || transaction.isNull()) {
      return Optional.empty();
    }
    return Optional.of(
        new DebeziumEvent.TransactionPlace(
            transactionKey(required(transaction, "id", "transaction").asText()),
            required(transaction, "total_order", "transaction").asLong()));
  }

  /**
   * The part of a transaction id that names the transaction. Debezium's PostgreSQL connector writes
   * {@code <xid>:<lsn>} with the LSN of the event at hand, so the id of one transaction differs
   * from event to event; its xid is the transaction. Other ids (a MySQL GTID, say) are kept whole.
   */
  static String transactionKey(String id) {
    return POSTGRES_TRANSACTION_ID.matcher(id).matches() ? id.substring(0, id.indexOf(':')) : id;
  }

  private static JsonNode required(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new MappingException(where + " has no '" + field + "'");
    }
    return value;
  }
}
