package io.walstream.ingest.assemble;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the parsing stage hands the assembling stage through the ingest's repartition topic: a
 * mapped change waiting for its transaction's commit position, or a transaction's END. A compact
 * binary form (a kind byte, then fields in a fixed order) read only by this class.
 */
public sealed interface StagedEvent {
  SingleObjectCodec<ChangeRecord> RECORDS = SingleObjectCodec.of(ChangeRecord.class);

  /**
   * A mapped change, held encoded (it is decoded once, when released). The record's lsn is the
   * change's own source LSN until its transaction is released; {@code transactionId} is empty
   * without transaction metadata.
   */
  record Change(String transactionId, long totalOrder, byte[] encodedRecord)
      implements StagedEvent {
    public Change {
      Objects.requireNonNull(transactionId, "transactionId");
      Objects.requireNonNull(encodedRecord, "encodedRecord");
    }

    /** A change of {@code record}. */
    public static Change of(String transactionId, long totalOrder, ChangeRecord record) {
      return new Change(transactionId, totalOrder, RECORDS.encode(record));
    }

    public boolean inTransaction() {
      return !transactionId.isEmpty();
    }

    /** The change record, decoded afresh (the caller may change it). */
    public ChangeRecord record() {
      return RECORDS.decode(encodedRecord);
    }
  }

  /** A transaction's END: how many events it has, and where and when it committed. */
  record End(
      String transactionId,
      long eventCount,
      long commitLsn,
      long commitTimeMicros,
      Map<String, Long> collections)
      implements StagedEvent {
    /** The commit LSN when the END carried none. */
    public static final long NO_LSN = -1;

    public End {
      Objects.requireNonNull(transactionId, "transactionId");
      collections = Map.copyOf(collections);
    }
  }

  /** The binary form. */
  public static byte[] encode(StagedEvent event) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (event instanceof Change c) {
        out.writeByte('C');
        out.writeUTF(c.transactionId());
        out.writeLong(c.totalOrder());
        out.write(c.encodedRecord());
      } else if (event instanceof End e) {
        out.writeByte('E');
        out.writeUTF(e.transactionId());
        out.writeLong(e.eventCount());
        out.writeLong(e.commitLsn());
        out.writeLong(e.commitTimeMicros());
        out.writeInt(e.collections().size());
        for (Map.Entry<String, Long> c : new TreeMap<>(e.collections()).entrySet()) {
          out.writeUTF(c.getKey());
          out.writeLong(c.getValue());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads what {@link #encode} wrote. */
  public static StagedEvent decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int kind = in.readByte();
      String id = in.readUTF();
      if (kind == 'C') {
        long order = in.readLong();
        return new Change(id, order, in.readAllBytes());
      }
      if (kind != 'E') {
        throw new IllegalStateException("Unknown staged event kind " + kind);
      }
      long count = in.readLong();
      long lsn = in.readLong();
      long time = in.readLong();
      int n = in.readInt();
      Map<String, Long> collections = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        collections.put(in.readUTF(), in.readLong());
      }
      return new End(id, count, lsn, time, collections);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
