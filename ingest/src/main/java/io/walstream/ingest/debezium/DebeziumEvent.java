package io.walstream.ingest.debezium;

import io.walstream.schemas.avro.Op;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One record of a Debezium topic, as far as walstream needs it. */
public sealed interface DebeziumEvent {

  /**
   * One row change (or a TRUNCATE) of one table.
   *
   * @param database the walstream database (the override, else {@code source.db})
   * @param table {@code schema.table} when the source has schemas, else the table
   * @param key primary-key columns from the Kafka record key; empty for TRUNCATE
   * @param after the row after the change; null for DELETE and TRUNCATE
   * @param before the row before the change, when the source sent it
   * @param commitTimeMicros the source transaction's commit time ({@code ts_us}, else {@code
   *     ts_ms})
   * @param sourceLsn {@code source.lsn}, the change's own WAL position; -1 when absent
   * @param transaction its place in the source transaction, when metadata is on
   * @param origin streamed from the log, or read by a snapshot
   */
  record Change(
      String database,
      String table,
      Op op,
      Map<String, Object> key,
      Map<String, Object> after,
      Map<String, Object> before,
      long commitTimeMicros,
      long sourceLsn,
      Optional<TransactionPlace> transaction,
      Origin origin)
      implements DebeziumEvent {
    public Change {
      Objects.requireNonNull(database, "database");
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(transaction, "transaction");
      Objects.requireNonNull(origin, "origin");
      if (op != Op.DELETE && op != Op.TRUNCATE && after == null) {
        throw new MappingException(op + " event of " + table + " has no after image");
      }
    }
  }

  /** The null-valued record Kafka compaction uses after a delete: carries no change. */
  record Tombstone() implements DebeziumEvent {}

  /**
   * Where a change sits in its source transaction.
   *
   * @param id the source transaction id
   * @param totalOrder 1-based position among all events of the transaction
   */
  record TransactionPlace(String id, long totalOrder) {
    public TransactionPlace {
      Objects.requireNonNull(id, "id");
      if (totalOrder < 1) {
        throw new MappingException("transaction " + id + " has total_order " + totalOrder);
      }
    }
  }

  /**
   * A BEGIN or END event of the transaction metadata topic.
   *
   * @param eventCount events the transaction emitted (END only; 0 for BEGIN)
   * @param collections events per table (END only)
   * @param commitLsn the transaction's commit LSN, from the header the commit-LSN transform adds to
   *     END events
   */
  record Boundary(
      Status status,
      String id,
      long eventCount,
      Map<String, Long> collections,
      Optional<Long> commitLsn,
      long commitTimeMicros)
      implements DebeziumEvent {
    public Boundary {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(id, "id");
      collections = Map.copyOf(collections);
      Objects.requireNonNull(commitLsn, "commitLsn");
    }
  }

  /** Where a change comes from. */
  enum Origin {
    /** Streamed from the database's log. */
    STREAM,
    /** A row read by a blocking (initial) snapshot. */
    SNAPSHOT,
    /** A row read by an incremental snapshot, interleaved with streaming. */
    INCREMENTAL_SNAPSHOT
  }

  /** BEGIN or END. */
  enum Status {
    BEGIN,
    END
  }
}
