package io.walstream.archiver.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.walstream.archive.error.ErrorClassifier;
import io.walstream.archiver.partition.DeadLetterReason;
import java.time.Duration;

/** The archiver's own metrics (Kafka's client metrics are bound separately). */
public final class ArchiverMetrics {
  private final MeterRegistry registry;
  private final Counter recordsIn;
  private final Counter recordsBuffered;
  private final Counter recordsArchived;
  private final Counter alreadyArchived;
  private final Counter duplicates;
  private final Counter replayed;
  private final Counter segments;
  private final Counter bytes;
  private final Counter claimConflicts;
  private final Counter gaps;
  private final Counter incompleteTransactions;

  public ArchiverMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.recordsIn = registry.counter("walstream.archiver.records.in");
    this.recordsBuffered = registry.counter("walstream.archiver.records.buffered");
    this.recordsArchived = registry.counter("walstream.archiver.records.archived");
    this.alreadyArchived =
        registry.counter("walstream.archiver.records.skipped", "reason", "already-archived");
    this.duplicates = registry.counter("walstream.archiver.records.skipped", "reason", "duplicate");
    this.replayed = registry.counter("walstream.archiver.records.replayed");
    this.segments = registry.counter("walstream.archiver.segments.written");
    this.bytes = registry.counter("walstream.archiver.segment.bytes.written");
    this.claimConflicts = registry.counter("walstream.archiver.claim.conflicts");
    this.gaps = registry.counter("walstream.archiver.gaps");
    this.incompleteTransactions = registry.counter("walstream.archiver.transactions.incomplete");
    // Every series a dashboard or an alert asks for exists from the start, at 0: a rate over a
    // series that appears only with its first event shows nothing until then.
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      registry.counter("walstream.archiver.dlq.records", "reason", reason.label());
    }
    for (ErrorClassifier.Operation operation : ErrorClassifier.Operation.values()) {
      registry.counter("walstream.archiver.storage.retries", "operation", operation.verb());
    }
  }

  /** Metrics into a registry nobody scrapes, for tests and tools. */
  public static ArchiverMetrics inMemory() {
    return new ArchiverMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void recordIn() {
    recordsIn.increment();
  }

  public void buffered() {
    recordsBuffered.increment();
  }

  public void alreadyArchived() {
    alreadyArchived.increment();
  }

  public void duplicate() {
    duplicates.increment();
  }

  public void replayed() {
    replayed.increment();
  }

  public void deadLetter(DeadLetterReason reason) {
    registry.counter("walstream.archiver.dlq.records", "reason", reason.label()).increment();
  }

  public void segment(long records, long segmentBytes) {
    segments.increment();
    recordsArchived.increment(records);
    bytes.increment(segmentBytes);
  }

  public void claimConflict() {
    claimConflicts.increment();
  }

  public void gap() {
    gaps.increment();
  }

  /** A stream showed a transaction without txLast, or with a skipped txIndex. */
  public void incompleteTransaction() {
    incompleteTransactions.increment();
  }

  /** Time spent cutting and committing segments, by what triggered the cut. */
  public void cut(String trigger, Duration elapsed) {
    Timer.builder("walstream.archiver.cut.latency")
        .tag("trigger", trigger)
        .publishPercentiles(0.5, 0.99)
        .register(registry)
        .record(elapsed);
  }

  /**
   * Time an offset commit waited for the archive: the cuts of its partitions still in flight and
   * the cut of what was buffered (the commit cannot proceed before they land).
   */
  public void commitWait(Duration elapsed) {
    Timer.builder("walstream.archiver.commit.wait")
        .publishPercentiles(0.5, 0.99)
        .register(registry)
        .record(elapsed);
  }

  public void storageRetry(String operation) {
    registry.counter("walstream.archiver.storage.retries", "operation", operation).increment();
  }

  public void storageFailure(String errorClass) {
    registry.counter("walstream.archiver.storage.failures", "class", errorClass).increment();
  }

  /** Current count of a counter, for tests and summaries. */
  public double count(String name, String... tags) {
    Counter counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }
}
