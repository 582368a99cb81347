package io.walstream.ingest.connect;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * A Kafka Connect transform for the Debezium PostgreSQL connector: copies the transaction's commit
 * LSN, which Debezium keeps only in the source offset ({@code lsn_commit}), into a header of every
 * transaction END event, so that {@code walstream ingest} can give each transaction the commit
 * position it has in PostgreSQL. Data events and BEGIN pass unchanged; the transform never changes
 * a key or a value.
 *
 * <p>Why a transform: Debezium's change events carry the LSN of each change and of the previous
 * commit, but not the commit LSN of their own transaction, and change LSNs of concurrent
 * transactions interleave, so no field of the events gives a position that grows in commit order
 * and matches what {@code pg_current_wal_lsn()} tells a user.
 */
public final class CommitLsnHeader implements Transformation<SourceRecord> {
  /** The header's name; its value is the commit LSN as a decimal number, UTF-8. */
  public static final String HEADER = "walstream.commit.lsn";

  /** The source-offset key under which Debezium's PostgreSQL connector keeps the commit LSN. */
  static final String OFFSET_KEY = "lsn_commit";

  @Override
  public SourceRecord apply(SourceRecord record) {
    if (!isEnd(record)) {
      return record;
    }
    Map<String, ?> offset = record.sourceOffset();
    Object lsn = offset == null ? null : offset.get(OFFSET_KEY);
    if (lsn instanceof Number number) {
      record.headers().addString(HEADER, Long.toString(number.longValue()));
    }
    return record;
  }

  private static boolean isEnd(SourceRecord record) {
    if (!(record.value() instanceof Struct value)) {
      return false;
    }
    Field status = value.schema().field("status");
    return status != null && "END".equals(value.get(status));
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
