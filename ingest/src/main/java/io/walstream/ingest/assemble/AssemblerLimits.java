package io.walstream.ingest.assemble;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the assembler waits and how much it remembers.
 *
 * @param transactionTimeout how long a transaction may wait for its END and its events
 * @param snapshotTimeout how long a snapshot may go without a new row (or without its last one)
 * @param releasedMemory how many released transactions are remembered for events sent again;
 *     snapshots are remembered always
 */
public record AssemblerLimits(
    Duration transactionTimeout, Duration snapshotTimeout, int releasedMemory) {
  public AssemblerLimits {
    Objects.requireNonNull(transactionTimeout, "transactionTimeout");
    Objects.requireNonNull(snapshotTimeout, "snapshotTimeout");
    if (transactionTimeout.isNegative() || transactionTimeout.isZero()) {
      throw new IllegalArgumentException("transactionTimeout must be positive");
    }
    if (snapshotTimeout.isNegative() || snapshotTimeout.isZero()) {
      throw new IllegalArgumentException("snapshotTimeout must be positive");
    }
    if (releasedMemory < 1) {
      throw new IllegalArgumentException("releasedMemory must be at least 1: " + releasedMemory);
    }
  }
}
