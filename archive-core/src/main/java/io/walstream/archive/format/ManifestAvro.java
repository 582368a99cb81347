package io.walstream.archive.format;

import io.walstream.archive.layout.StreamId;
import io.walstream.schemas.avro.EncryptionDescriptor;
import io.walstream.schemas.avro.ManifestKind;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.value.Values;
import java.time.Instant;

/**
 * Converts between {@link Manifest} and its Avro form {@link SegmentManifest}, which the archiver
 * publishes to the manifests topic. The Avro form also carries the SHA-256 of the JSON manifest, so
 * a follower can check it against the archive.
 */
public final class ManifestAvro {
  private ManifestAvro() {}

  public static SegmentManifest toAvro(Manifest m, String manifestSha256) {
    Manifest.Encryption e = m.encryption();
    return SegmentManifest.newBuilder()
        .setFormatVersion(m.formatVersion())
        .setKind(ManifestKind.valueOf(m.kind().name()))
        .setDatabase(m.stream().database())
        .setTopic(m.stream().topic())
        .setPartition(m.stream().partition())
        .setTopicId(m.topicId())
        .setSeq(m.seq())
        .setFirstLsn(m.firstLsn())
        .setFirstTxIndex(m.firstTxIndex())
        .setLastLsn(m.lastLsn())
        .setLastTxIndex(m.lastTxIndex())
        .setMinCommitTime(instant(m.minCommitTimeMicros()))
        .setMaxCommitTime(instant(m.maxCommitTimeMicros()))
        .setRecordCount(m.recordCount())
        .setFirstSourceOffset(m.firstSourceOffset())
        .setLastSourceOffset(m.lastSourceOffset())
        .setHandledThroughOffset(m.handledThroughOffset())
        .setSegmentKey(m.segmentKey())
        .setByteSize(m.byteSize())
        .setCodec(m.codec())
        .setEncryption(
            e == null ? null : new EncryptionDescriptor(e.scheme(), e.keyId(), e.wrappedKey()))
        .setSchemaFingerprints(m.schemaFingerprints())
        .setSegmentSha256(m.segmentSha256())
        .setPrevManifestSha256(m.prevManifestSha256())
        .setWriterVersion(m.writerVersion())
        .setWriterId(m.writerId())
        .setManifestSha256(manifestSha256)
        .build();
  }

  public static Manifest fromAvro(SegmentManifest a) {
    EncryptionDescriptor e = a.getEncryption();
    return new Manifest(
        a.getFormatVersion(),
        Manifest.Kind.valueOf(a.getKind().name()),
        new StreamId(a.getDatabase(), a.getTopic(), a.getPartition()),
        a.getTopicId(),
        a.getSeq(),
        a.getFirstLsn(),
        a.getFirstTxIndex(),
        a.getLastLsn(),
        a.getLastTxIndex(),
        micros(a.getMinCommitTime()),
        micros(a.getMaxCommitTime()),
        a.getRecordCount(),
        a.getFirstSourceOffset(),
        a.getLastSourceOffset(),
        a.getHandledThroughOffset(),
        a.getSegmentKey(),
        a.getByteSize(),
        a.getCodec(),
        e == null ? null : new Manifest.Encryption(e.getScheme(), e.getKeyId(), e.getWrappedKey()),
        a.getSchemaFingerprints(),
        a.getSegmentSha256(),
        a.getPrevManifestSha256(),
        a.getWriterVersion(),
        a.getWriterId());
  }

  private static Instant instant(Long micros) {
    return micros == null ? null : Values.fromMicros(micros);
  }

  private static Long micros(Instant instant) {
    return instant == null ? null : Values.toMicros(instant);
  }
}
