package io.walstream.archiver.partition;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.schemas.codec.SingleObjectCodec;

/**
 * Turns an input record that is not a ChangeRecord of the current schema in single-object encoding
 * (which the archiver reads without decoding) into a ChangeRecord: another version of walstream's
 * schema, or, with {@code input.format=confluent-avro}, the Confluent wire format. An input it
 * cannot read is a {@link DecodeException} (dead letter); a source it cannot reach is raised as it
 * is (the task stops, nothing is dead-lettered for an outage).
 */
@FunctionalInterface
public interface InputDecoder {
  /** walstream's own single-object encoding, any schema version walstream knows. */
  InputDecoder SINGLE_OBJECT = SingleObjectCodec.of(ChangeRecord.class)::decode;

  ChangeRecord decode(byte[] value) throws DecodeException;
}
