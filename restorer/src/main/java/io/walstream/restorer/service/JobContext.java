package io.walstream.restorer.service;

import io.walstream.archive.store.ObjectStore;
import io.walstream.restorer.verify.Anchoring;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What every job of one service instance runs with: the archive, where statuses go, the metrics,
 * how often progress is published, the clock, how a job checks the archive's anchors, how it takes
 * snapshots, the Kafka client settings a topic restore writes with, and how often a follow job
 * polls.
 */
record JobContext(
    ObjectStore store,
    StatusPublisher publisher,
    ServiceMetrics metrics,
    long progressIntervalMs,
    Clock clock,
    Supplier<Anchoring> anchoring,
    Maintenance maintenance,
    java.util.Map<String, Object> kafkaClients,
    long followPollMs,
    io.walstream.archive.read.ArchiveReader reader) {
  JobContext {
    if (store == null || publisher == null || metrics == null || clock == null || reader == null) {
      throw new IllegalArgumentException("a job context needs a store, publisher, metrics, clock");
    }
    if (progressIntervalMs <= 0 || anchoring == null || maintenance == null || followPollMs <= 0) {
      throw new IllegalArgumentException(
          "a job context needs a progress interval, anchoring and maintenance");
    }
  }
}
