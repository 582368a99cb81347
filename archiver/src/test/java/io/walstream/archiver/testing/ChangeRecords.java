package io.walstream.archiver.testing;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.Op;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Change records and their wire bytes for archiver tests. */
public final class ChangeRecords {
  public static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);
  public static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  private ChangeRecords() {}

  /** An INSERT of row {@code id} in {@code table} at (lsn, txIndex). */
  public static ChangeRecord insert(
      String database, String table, long id, long lsn, int txIndex, boolean txLast) {
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("id", id);
    after.put("payload", "row " + id + " of " + table);
    return ChangeRecord.newBuilder()
        .setDatabase(database)
        .setTable(table)
        .setOp(Op.INSERT)
        .setKey(Map.of("id", id))
        .setAfter(after)
        .setLsn(lsn)
        .setTxIndex(txIndex)
        .setTxLast(txLast)
        .setCommitTime(T0.plusMillis(lsn))
        .build();
  }

  public static byte[] bytes(ChangeRecord record) {
    return CODEC.encode(record);
  }

  public static byte[] key(String database) {
    return database.getBytes(StandardCharsets.UTF_8);
  }
}
