package io.walstream.restorer.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.walstream.schemas.avro.JobState;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The restore service's metrics: jobs by state, running jobs, durations, records applied. */
final class ServiceMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger running = new AtomicInteger();
  private final Counter records;
  private final Counter duplicates;
  private final Timer duration;

  ServiceMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("walstream.restorer.jobs.running", running);
    this.records = registry.counter("walstream.restorer.records.applied");
    this.duplicates = registry.counter("walstream.restorer.commands.duplicate");
    this.duration = registry.timer("walstream.restorer.job.duration");
    // Every state's series from the start, at 0, for dashboards and alerts.
    for (JobState state : JobState.values()) {
      registry.counter("walstream.restorer.jobs", "state", state.name());
    }
  }

  /** A job reached {@code state} (a transition, counted per state). */
  void state(JobState state) {
    registry.counter("walstream.restorer.jobs", "state", state.name()).increment();
  }

  void started() {
    running.incrementAndGet();
  }

  void finished(Duration took) {
    running.decrementAndGet();
    duration.record(took);
  }

  void recordsApplied(long n) {
    records.increment(n);
  }

  void duplicate() {
    duplicates.increment();
  }

  int running() {
    return running.get();
  }
}
