package io.walstream.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.walstream.ingest.assemble.IngestDeadLetterReason;

/** The ingest's own metrics (Kafka's client metrics are bound separately). */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final Counter changes;
  private final Counter tombstones;
  private final Counter boundaries;
  private final Counter released;
  private final Counter transactions;

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.changes = registry.counter("walstream.ingest.events.in", "kind", "change");
    this.tombstones = registry.counter("walstream.ingest.events.in", "kind", "tombstone");
    this.boundaries = registry.counter("walstream.ingest.events.in", "kind", "transaction");
    this.released = registry.counter("walstream.ingest.records.out");
    this.transactions = registry.counter("walstream.ingest.transactions.released");
    // Every reason's series from the start, at 0, for dashboards and alerts.
    for (IngestDeadLetterReason reason : IngestDeadLetterReason.values()) {
      registry.counter("walstream.ingest.dead.letters", "reason", reason.label());
    }
  }

  /** Metrics into a registry nobody scrapes, for tests and tools. */
  public static IngestMetrics inMemory() {
    return new IngestMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void change() {
    changes.increment();
  }

  /** A tombstone, skipped: it carries no change. */
  public void tombstone() {
    tombstones.increment();
  }

  public void boundary() {
    boundaries.increment();
  }

  /** One record released to the output topic. */
  public void released() {
    released.increment();
  }

  /** One source transaction released whole. */
  public void transactionReleased() {
    transactions.increment();
  }

  public void deadLetter(IngestDeadLetterReason reason) {
    registry.counter("walstream.ingest.dead.letters", "reason", reason.label()).increment();
  }

  public double count(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }
}
