package io.walstream.archive.format;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.schemas.avro.SnapshotRow;
import io.walstream.schemas.codec.AvroTrust;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The chunk format of snapshots (docs/FORMAT.md, section 8): an Avro object container file of
 * {@link SnapshotRow}s of one table, compressed as segments are, declaring its format version,
 * database, table and the snapshot's lsn; its sync marker is derived from those, so that the same
 * rows always make the same bytes (and the same content-addressed key).
 */
public final class SnapshotChunks {
  /** The chunk format version. */
  public static final int VERSION = 1;

  /** Rows a chunk holds at most. */
  public static final int MAX_ROWS = 100_000;

  /** Encoded row bytes (before compression) after which a chunk is closed. */
  public static final int MAX_ROW_BYTES = 16 * 1024 * 1024;

  public static final String META_FORMAT_VERSION = "walstream.snapshot.format.version";
  public static final String META_DATABASE = "walstream.database";
  public static final String META_TABLE = "walstream.table";
  public static final String META_LSN = "walstream.snapshot.lsn";

  private SnapshotChunks() {}

  private static final ThreadLocal<RowEncoder> ENCODERS = ThreadLocal.withInitial(RowEncoder::new);

  /** The binary encoding of one row, as a chunk stores it and a snapshot build keeps it. */
  public static byte[] encodeRow(SnapshotRow row) {
    return ENCODERS.get().encode(row);
  }

  /** Encodes rows one after another, reusing its writer and buffer; one per thread. */
  private static final class RowEncoder {
    private final SpecificDatumWriter<SnapshotRow> writer =
        new SpecificDatumWriter<>(SnapshotRow.class);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private BinaryEncoder encoder;

    byte[] encode(SnapshotRow row) {
      out.reset();
      encoder = EncoderFactory.get().binaryEncoder(out, encoder);
      try {
        writer.write(row, encoder);
        encoder.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot encode snapshot row", e);
      }
      return out.toByteArray();
    }
  }

  /**
   * A chunk of {@code table}'s rows for the snapshot of {@code database} at {@code lsn}, from rows
   * encoded with {@link #encodeRow}, in the order given.
   */
  public static byte[] write(String database, String table, long lsn, List<byte[]> rows) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    try (DataFileWriter<SnapshotRow> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(SnapshotRow.class))) {
      writer.setCodec(ZstdBlockCodec.factory(SegmentFormat.ZSTD_LEVEL));
      writer.setSyncInterval(SegmentFormat.BLOCK_SIZE);
      writer.setMeta(META_FORMAT_VERSION, Integer.toString(VERSION));
      writer.setMeta(META_DATABASE, database);
      writer.setMeta(META_TABLE, table);
      writer.setMeta(META_LSN, Long.toString(lsn));
      writer.create(SnapshotRow.getClassSchema(), out, sync(database, table, lsn, rows.size()));
      for (byte[] row : rows) {
        writer.appendEncoded(ByteBuffer.wrap(row));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write snapshot chunk of " + table, e);
    }
    return out.toByteArray();
  }

  private static byte[] sync(String database, String table, long lsn, int rows) {
    MessageDigest digest = Sha256.newDigest();
    String seed = database + "\u0000" + table + "\u0000" + lsn + "\u0000" + rows;
    return Arrays.copyOf(digest.digest(seed.getBytes(StandardCharsets.UTF_8)), 16);
  }

  /**
   * The rows of the chunk stored at {@code key}, after checking that it declares this format,
   * {@code database}, {@code table} and {@code lsn}.
   *
   * @throws UnknownFormatException when it declares another format version
   * @throws IntegrityException when it declares another table, database or lsn, or does not decode
   */
  public static List<SnapshotRow> read(
      byte[] bytes, String key, String database, String table, long lsn) {
    AvroTrust.install();
    ZstdBlockCodec.register();
    List<SnapshotRow> rows = new ArrayList<>();
    try (DataFileStream<SnapshotRow> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(bytes), new SpecificDatumReader<>(SnapshotRow.class))) {
      String version = stream.getMetaString(META_FORMAT_VERSION);
      if (!Integer.toString(VERSION).equals(version)) {
        throw new UnknownFormatException(
            key, "Cannot read snapshot chunk " + key + ": format version " + version);
      }
      requireMeta(stream, key, META_DATABASE, database);
      requireMeta(stream, key, META_TABLE, table);
      requireMeta(stream, key, META_LSN, Long.toString(lsn));
      while (stream.hasNext()) {
        rows.add(stream.next());
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IntegrityException integrity) {
        throw integrity;
      }
      throw new IntegrityException(key, "Cannot read snapshot chunk " + key + ": " + e, e);
    }
    return rows;
  }

  private static void requireMeta(
      DataFileStream<SnapshotRow> stream, String key, String name, String expected) {
    String actual = stream.getMetaString(name);
    if (!expected.equals(actual)) {
      throw new IntegrityException(
          key,
          "Cannot read snapshot chunk "
              + key
              + ": it declares "
              + name
              + " '"
              + actual
              + "', its snapshot says '"
              + expected
              + "'");
    }
  }
}
