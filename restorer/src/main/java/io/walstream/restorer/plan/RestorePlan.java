package io.walstream.restorer.plan;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StoredManifest;
import java.util.List;

/**
 * What a restore will read: per stream, the committed manifests from the start of the chain to the
 * first segment past the target, plus the totals to fetch.
 */
public record RestorePlan(
    String database, RestoreTarget target, RestoreWindow window, List<StreamPlan> streams) {
  public RestorePlan {
    streams = List.copyOf(streams);
  }

  /** One stream's part of the plan. */
  public record StreamPlan(StreamId stream, List<StoredManifest> manifests) {
    public StreamPlan {
      manifests = List.copyOf(manifests);
    }
  }

  /** Segments to fetch in all. */
  public long segments() {
    return streams.stream()
        .flatMap(s -> s.manifests().stream())
        .filter(m -> m.manifest().segmentKey() != null)
        .count();
  }

  /** Bytes to fetch in all. */
  public long bytes() {
    return streams.stream()
        .flatMap(s -> s.manifests().stream())
        .mapToLong(m -> m.manifest().byteSize())
        .sum();
  }
}
