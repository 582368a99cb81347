package io.walstream.schemas.serde;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.codec.SingleObjectCodec;

/** Serdes for every record type walstream puts on a Kafka topic. */
public final class WalstreamSerdes {
  private WalstreamSerdes() {}

  public static AvroSerde<ChangeRecord> changeRecord() {
    return new AvroSerde<>(SingleObjectCodec.of(ChangeRecord.class));
  }

  public static AvroSerde<SegmentManifest> segmentManifest() {
    return new AvroSerde<>(SingleObjectCodec.of(SegmentManifest.class));
  }

  public static AvroSerde<RestoreCommand> restoreCommand() {
    return new AvroSerde<>(SingleObjectCodec.of(RestoreCommand.class));
  }

  public static AvroSerde<RestoreStatus> restoreStatus() {
    return new AvroSerde<>(SingleObjectCodec.of(RestoreStatus.class));
  }
}
