package io.walstream.archiver.partition;

import io.walstream.archive.format.EncodedRecord;
import io.walstream.archive.format.RecordProbe;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.DecimalValue;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a decodable record must also satisfy to be archived (the data contract, DESIGN.md section
 * 4): a record that breaks it is dead-lettered as {@code invalid-record}, because a restore could
 * not apply it.
 */
final class RecordContract {
  private static final List<String> IMAGES = List.of("key", "after", "before");

  private RecordContract() {}

  /**
   * Why the probed record breaks the contract, naming the field; null when it does not. The record
   * is decoded only to name a bad column, which is rare.
   */
  static String violation(RecordProbe.Result probe, EncodedRecord encoded) {
    if (RecordProbe.needsAfter(probe) && !probe.hasAfter()) {
      return RecordProbe.opName(probe) + " without an after image";
    }
    if (!RecordProbe.isTruncate(probe) && probe.keyColumns() == 0) {
      return RecordProbe.opName(probe) + " without key columns";
    }
    if (probe.txIndex() < 0) {
      return "negative txIndex " + probe.txIndex();
    }
    if (probe.emptyDecimal()) {
      return emptyDecimal(encoded.decode());
    }
    return null;
  }

  /** Names the first column holding a decimal with an empty unscaled value. */
  private static String emptyDecimal(ChangeRecord record) {
    List<Map<String, Object>> images =
        Arrays.asList(record.getKey(), record.getAfter(), record.getBefore());
    for (int i = 0; i < images.size(); i++) {
      if (images.get(i) == null) {
        continue;
      }
      for (Map.Entry<String, Object> column : images.get(i).entrySet()) {
        if (column.getValue() instanceof DecimalValue d && !d.getUnscaled().hasRemaining()) {
          return String.format(
              "decimal %s.%s has an empty unscaled value (BigInteger#toByteArray never writes"
                  + " one)",
              IMAGES.get(i), column.getKey());
        }
      }
    }
    return "decimal with an empty unscaled value";
  }
}
