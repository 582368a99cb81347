package io.walstream.archiver.partition;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.DecodeException;
import io.walstream.service.registry.ConfluentWire;
import io.walstream.service.registry.SchemaRegistryClient;
import io.walstream.service.registry.UnknownSchemaException;
import java.io.IOException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * ChangeRecords produced with Confluent's {@code KafkaAvroSerializer}: the writer schema comes from
 * the registry by the record's schema id and is resolved against walstream's ChangeRecord schema
 * (so evolved producer schemas keep working within Avro's resolution rules). Records in walstream's
 * own single-object encoding are still read (their marker cannot be mistaken).
 */
public final class ConfluentChangeRecords implements InputDecoder {
  private final SchemaRegistryClient registry;

  public ConfluentChangeRecords(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public ChangeRecord decode(byte[] value) throws DecodeException {
    if (!ConfluentWire.matches(value)) {
      return SINGLE_OBJECT.decode(value);
    }
    Schema writer;
    try {
      writer = registry.schema(ConfluentWire.schemaId(value));
    } catch (UnknownSchemaException e) {
      throw new DecodeException(DecodeException.Reason.UNKNOWN_FINGERPRINT, e.getMessage(), e);
    }
    try {
      return ConfluentWire.read(value, writer, ChangeRecord.getClassSchema(), ChangeRecord.class);
    } catch (IOException | AvroRuntimeException | ClassCastException e) {
      throw new DecodeException(
          DecodeException.Reason.MALFORMED,
          "Cannot read a ChangeRecord written with schema "
              + ConfluentWire.schemaId(value)
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
