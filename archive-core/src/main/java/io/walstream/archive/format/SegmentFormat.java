package io.walstream.archive.format;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SchemaCatalog;

/** Constants of the segment format (docs/FORMAT.md, "Segment"). */
public final class SegmentFormat {
  /** The only segment format version this build writes and reads. */
  public static final int VERSION = 1;

  /** Avro container codec name of segments. */
  public static final String CODEC = "zstandard";

  /** zstd level: 3 is zstd's default, a good balance of speed and ratio for row data. */
  public static final int ZSTD_LEVEL = 3;

  /**
   * The fastest level writers accept: zstd's negative levels trade ratio for speed. Readers need no
   * level: frames of every level decode the same way.
   */
  public static final int MIN_ZSTD_LEVEL = -7;

  /** The strongest level writers accept (zstd's "ultra" levels above it need large windows). */
  public static final int MAX_ZSTD_LEVEL = 19;

  /** Uncompressed bytes per Avro block; memory of writer and reader is bounded by about this. */
  public static final int BLOCK_SIZE = 256 * 1024;

  public static final String META_FORMAT_VERSION = "walstream.format.version";
  public static final String META_DATABASE = "walstream.database";
  public static final String META_TOPIC = "walstream.topic";
  public static final String META_PARTITION = "walstream.partition";
  public static final String META_SEQ = "walstream.seq";
  public static final String META_ENCRYPTION = "walstream.encryption";

  /** The fingerprint of the record schema segments are written with. */
  public static final String RECORD_SCHEMA_FINGERPRINT =
      SchemaCatalog.fingerprintHex(SchemaCatalog.fingerprint(ChangeRecord.getClassSchema()));

  private SegmentFormat() {}
}
