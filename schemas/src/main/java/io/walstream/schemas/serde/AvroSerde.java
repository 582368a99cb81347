package io.walstream.schemas.serde;

import io.walstream.schemas.codec.SingleObjectCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} for a generated Avro class in single-object encoding. A null value (a
 * tombstone) maps to null both ways; any other bytes that do not decode raise {@link
 * io.walstream.schemas.codec.DecodeException}.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final SingleObjectCodec<T> codec;

  public AvroSerde(SingleObjectCodec<T> codec) {
    this.codec = codec;
  }

  /** The codec behind this serde. */
  public SingleObjectCodec<T> codec() {
    return codec;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, data) -> data == null ? null : codec.encode(data);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> data == null ? null : codec.decode(data);
  }
}
