package io.walstream.archive.format;

import io.walstream.archive.format.Manifest.ChainLink;
import io.walstream.archive.format.Manifest.CommitTimes;
import io.walstream.archive.format.Manifest.Gap;
import io.walstream.archive.format.Manifest.OffsetRange;
import io.walstream.archive.format.Manifest.Segment;
import io.walstream.archive.format.Manifest.SegmentRef;
import io.walstream.archive.layout.StreamId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one table of a manifest's stored fields, in canonical order: each field's name (the same in
 * the JSON manifest and in the Avro {@code SegmentManifest} of the manifests topic), its {@link
 * Type}, and where its value lives in a {@link Manifest}. {@link ManifestCodec} and {@link
 * ManifestAvro} both walk this table, so the two forms cannot drift apart.
 *
 * <p>A gap manifest stores the same fields as a segment manifest, with the values its getters give
 * for a {@link Gap} (nulls, zeros, the segment codec, no fingerprints); {@link #assemble} refuses a
 * gap that stores anything else.
 */
enum ManifestField {
  FORMAT_VERSION("formatVersion", Type.INT, m -> Manifest.FORMAT_VERSION),
  KIND("kind", Type.KIND, Manifest::kind),
  DATABASE("database", Type.TEXT, m -> m.stream().database()),
  TOPIC("topic", Type.TEXT, m -> m.stream().topic()),
  PARTITION("partition", Type.INT, m -> m.stream().partition()),
  TOPIC_ID("topicId", Type.OPTIONAL_TEXT, segment(Segment::topicId, null)),
  SEQ("seq", Type.LONG, Manifest::seq),
  FIRST_LSN("firstLsn", Type.OPTIONAL_LONG, segment(s -> s.first().lsn(), null)),
  FIRST_TX_INDEX("firstTxIndex", Type.OPTIONAL_INT, segment(s -> s.first().txIndex(), null)),
  LAST_LSN("lastLsn", Type.OPTIONAL_LONG, segment(s -> s.last().lsn(), null)),
  LAST_TX_INDEX("lastTxIndex", Type.OPTIONAL_INT, segment(s -> s.last().txIndex(), null)),
  MIN_COMMIT_TIME("minCommitTime", Type.TIME, segment(s -> s.commitTimes().minMicros(), null)),
  MAX_COMMIT_TIME("maxCommitTime", Type.TIME, segment(s -> s.commitTimes().maxMicros(), null)),
  RECORD_COUNT("recordCount", Type.LONG, Manifest::recordCount),
  FIRST_SOURCE_OFFSET("firstSourceOffset", Type.LONG, m -> m.offsets().first()),
  LAST_SOURCE_OFFSET("lastSourceOffset", Type.LONG, m -> m.offsets().last()),
  HANDLED_THROUGH_OFFSET("handledThroughOffset", Type.LONG, m -> m.offsets().handledThrough()),
  SEGMENT_KEY("segmentKey", Type.OPTIONAL_TEXT, segment(s -> s.segment().key(), null)),
  BYTE_SIZE("byteSize", Type.LONG, segment(s -> s.segment().byteSize(), 0L)),
  CODEC("codec", Type.TEXT, segment(s -> s.segment().codec(), SegmentFormat.CODEC)),
  ENCRYPTION("encryption", Type.ENCRYPTION, segment(s -> s.segment().encryption(), null)),
  SCHEMA_FINGERPRINTS(
      "schemaFingerprints",
      Type.TEXT_LIST,
      segment(s -> s.segment().schemaFingerprints(), List.of())),
  SEGMENT_SHA256("segmentSha256", Type.OPTIONAL_TEXT, segment(s -> s.segment().sha256(), null)),
  PREV_MANIFEST_SHA256(
      "prevManifestSha256", Type.OPTIONAL_TEXT, m -> m.link().prevManifestSha256()),
  WRITER_VERSION("writerVersion", Type.TEXT, m -> m.link().writerVersion()),
  WRITER_ID("writerId", Type.TEXT, m -> m.link().writerId());

  /** The value types of the table; each codec knows how to write and read each one. */
  enum Type {
    INT,
    OPTIONAL_INT,
    LONG,
    OPTIONAL_LONG,
    TEXT,
    OPTIONAL_TEXT,
    /** Microseconds since the epoch as a {@code Long}, or null; ISO-8601 in JSON. */
    TIME,
    KIND,
    /** A {@link Manifest.Encryption}, or null. */
    ENCRYPTION,
    TEXT_LIST
  }

  private final String fieldName;
  private final Type type;
  private final Function<Manifest, Object> getter;

  ManifestField(String fieldName, Type type, Function<Manifest, Object> getter) {
    this.fieldName = fieldName;
    this.type = type;
    this.getter = getter;
  }

  /** The field's name in both stored forms. */
  String fieldName() {
    return fieldName;
  }

  Type type() {
    return type;
  }

  /** The field's value in {@code manifest}: Integer, Long, String, Kind, Encryption or list. */
  Object of(Manifest manifest) {
    return getter.apply(manifest);
  }

  private static Function<Manifest, Object> segment(
      Function<Segment, Object> onSegment, Object onGap) {
    return m -> m instanceof Segment s ? onSegment.apply(s) : onGap;
  }

  /** Every field's value in {@code manifest}, in table order. */
  static Map<ManifestField, Object> valuesOf(Manifest manifest) {
    Map<ManifestField, Object> values = new EnumMap<>(ManifestField.class);
    for (ManifestField field : values()) {
      values.put(field, field.of(manifest));
    }
    return values;
  }

  /**
   * The manifest the stored {@code values} describe.
   *
   * @throws IllegalArgumentException naming the field when they describe none: a segment without a
   *     value it needs, a gap with a value only a segment has, or values a manifest refuses
   */
  static Manifest assemble(Map<ManifestField, Object> values) {
    ChainLink link =
        new ChainLink(
            new StreamId(
                (String) values.get(DATABASE),
                (String) values.get(TOPIC),
                (Integer) values.get(PARTITION)),
            (Long) values.get(SEQ),
            (String) values.get(PREV_MANIFEST_SHA256),
            (String) values.get(WRITER_VERSION),
            (String) values.get(WRITER_ID));
    OffsetRange offsets =
        new OffsetRange(
            (Long) values.get(FIRST_SOURCE_OFFSET),
            (Long) values.get(LAST_SOURCE_OFFSET),
            (Long) values.get(HANDLED_THROUGH_OFFSET));
    if (values.get(KIND) == Manifest.Kind.GAP) {
      return gap(link, offsets, values);
    }
    return segment(link, offsets, values);
  }

  private static Gap gap(ChainLink link, OffsetRange offsets, Map<ManifestField, Object> values) {
    Gap gap = new Gap(link, offsets);
    for (ManifestField field : values()) {
      if (!Objects.equals(field.of(gap), values.get(field))) {
        throw new IllegalArgumentException(
            "a GAP manifest has no segment and no records, but its field '"
                + field.fieldName
                + "' is "
                + values.get(field));
      }
    }
    return gap;
  }

  private static Segment segment(
      ChainLink link, OffsetRange offsets, Map<ManifestField, Object> values) {
    Position first =
        new Position(required(values, FIRST_LSN, Long.class), required(values, FIRST_TX_INDEX));
    Position last =
        new Position(required(values, LAST_LSN, Long.class), required(values, LAST_TX_INDEX));
    CommitTimes times =
        new CommitTimes(
            required(values, MIN_COMMIT_TIME, Long.class),
            required(values, MAX_COMMIT_TIME, Long.class));
    SegmentRef ref =
        new SegmentRef(
            required(values, SEGMENT_KEY, String.class),
            required(values, SEGMENT_SHA256, String.class),
            (Long) values.get(BYTE_SIZE),
            (String) values.get(CODEC),
            (Manifest.Encryption) values.get(ENCRYPTION),
            castList(values.get(SCHEMA_FINGERPRINTS)));
    return new Segment(
        link,
        (String) values.get(TOPIC_ID),
        offsets,
        first,
        last,
        times,
        (Long) values.get(RECORD_COUNT),
        ref);
  }

  private static int required(Map<ManifestField, Object> values, ManifestField field) {
    return required(values, field, Integer.class);
  }

  private static <T> T required(
      Map<ManifestField, Object> values, ManifestField field, Class<T> type) {
    Object value = values.get(field);
    if (value == null) {
      throw new IllegalArgumentException(
          "a SEGMENT manifest needs field '" + field.fieldName + "', but it is null");
    }
    return type.cast(value);
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object value) {
    return (List<String>) value;
  }
}
