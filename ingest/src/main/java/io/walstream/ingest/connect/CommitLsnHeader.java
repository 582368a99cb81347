package io.walstream.ingest.connect;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * A Kafka Connect transform for the Debezium PostgreSQL connector, which gives {@code walstream
 * ingest} the positions Debezium's events do not carry:
 *
 * <ul>
 *   <li>the transaction's commit LSN, which Debezium keeps only in the source offset ({@code
 *       lsn_commit}), in the header {@value #HEADER} of every transaction END event;
 *   <li>for the rows of an initial snapshot (which carry no transaction metadata), each row's
 *       1-based place in the snapshot in {@value #SNAPSHOT_ORDER}, and the number of rows in
 *       {@value #SNAPSHOT_COUNT} on the snapshot's last row ({@code source.snapshot = last});
 *   <li>on every END after a snapshot, that snapshot's LSN ({@value #SNAPSHOT_LSN}) and row count,
 *       so that the ingest knows the snapshot comes before the transaction in commit order even
 *       when the transaction's events reach it first.
 * </ul>
 *
 * The transform never changes a key or a value.
 *
 * <p>Why a transform: Debezium's change events carry the LSN of each change and of the previous
 * commit, but not the commit LSN of their own transaction, and change LSNs of concurrent
 * transactions interleave, so no field of the events gives a position that grows in commit order
 * and matches what {@code pg_current_wal_lsn()} tells a user. Likewise no event says how many rows
 * a snapshot has, and its rows reach Kafka on many topics and partitions, whose order between them
 * is lost; the transform sees every record in the order the connector emits it, so it can count.
 *
 * <p>Connect gives each task its own transform instance and calls it from the task's thread. The
 * count lives in that instance: a task restarted in the middle of a snapshot makes Debezium take
 * the snapshot again, counted again from 1.
 */
public final class CommitLsnHeader implements Transformation<SourceRecord> {
  /** The header's name; its value is the commit LSN as a decimal number, UTF-8. */
  public static final String HEADER = "walstream.commit.lsn";

  /** A snapshot row's 1-based place among the rows of its snapshot, decimal, UTF-8. */
  public static final String SNAPSHOT_ORDER = "walstream.snapshot.order";

  /** The number of rows of a snapshot: on its last row and on the ENDs after it. */
  public static final String SNAPSHOT_COUNT = "walstream.snapshot.count";

  /** On ENDs after a snapshot: the snapshot's {@code source.lsn}. */
  public static final String SNAPSHOT_LSN = "walstream.snapshot.lsn";

  /** The source-offset key under which Debezium's PostgreSQL connector keeps the commit LSN. */
  static final String OFFSET_KEY = "lsn_commit";

  // Values of source.snapshot on the rows of a blocking (initial) snapshot; "false" marks a
  // streamed change and "incremental" a row of an incremental snapshot, which is not counted.
  private static final Set<String> SNAPSHOT_MARKERS =
      Set.of("true", "first", "first_in_data_collection", "last_in_data_collection", "last");

  private long snapshotRows;
  private long lastSnapshotLsn = -1;
  private long lastSnapshotCount;

  @Override
  public SourceRecord apply(SourceRecord record) {
    if (!(record.value() instanceof Struct value)) {
      return record;
    }
    if (isEnd(value)) {
      end(record);
    } else {
      String marker = snapshotMarker(value);
      if (marker != null) {
        snapshotRow(record, value, marker);
      }
    }
    return record;
  }

  private void end(SourceRecord record) {
    Map<String, ?> offset = record.sourceOffset();
    Object lsn = offset == null ? null : offset.get(OFFSET_KEY);
    if (lsn instanceof Number number) {
      record.headers().addString(HEADER, Long.toString(number.longValue()));
    }
    if (lastSnapshotLsn >= 0) {
      record.headers().addString(SNAPSHOT_LSN, Long.toString(lastSnapshotLsn));
      record.headers().addString(SNAPSHOT_COUNT, Long.toString(lastSnapshotCount));
    }
  }

  private void snapshotRow(SourceRecord record, Struct value, String marker) {
    if ("first".equals(marker)) {
      snapshotRows = 0;
    }
    snapshotRows++;
    record.headers().addString(SNAPSHOT_ORDER, Long.toString(snapshotRows));
    if ("last".equals(marker)) {
      record.headers().addString(SNAPSHOT_COUNT, Long.toString(snapshotRows));
      Struct source = value.getStruct("source");
      Object lsn = source.schema().field("lsn") == null ? null : source.get("lsn");
      // Without source.lsn the ingest dead-letters the snapshot's rows; ENDs then name none.
      lastSnapshotLsn = lsn instanceof Number n ? n.longValue() : -1;
      lastSnapshotCount = snapshotRows;
      snapshotRows = 0;
    }
  }

  private static boolean isEnd(Struct value) {
    Field status = value.schema().field("status");
    return status != null && "END".equals(value.get(status));
  }

  /** {@code source.snapshot} of a snapshot read ({@code op = r}), else null. */
  private static String snapshotMarker(Struct value) {
    Field op = value.schema().field("op");
    Field source = value.schema().field("source");
    if (op == null || source == null || !"r".equals(value.get(op))) {
      return null;
    }
    Object src = value.get(source);
    if (!(src instanceof Struct s) || s.schema().field("snapshot") == null) {
      return null;
    }
    Object marker = s.get("snapshot");
    return marker instanceof String m && SNAPSHOT_MARKERS.contains(m) ? m : null;
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef();
  }

  @Override
  public void configure(Map<String, ?> configs) {
    // Nothing to configure.
  }

  @Override
  public void close() {
    // Holds nothing.
  }
}
