package io.walstream.restorer.plan;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StoredManifest;
import java.util.List;

/**
 * What a restore will read: per stream, the committed manifests from the start of the chain to the
 * first segment past the target, plus the totals to fetch, and every recorded gap the restore
 * crosses (only ever non-empty under {@link GapPolicy#ACCEPT}), and what the check of the archive
 * against the manifests topic found (or why it was not made).
 */
public record RestorePlan(
    String database,
    RestoreTarget target,
    RestoreWindow window,
    List<StreamPlan> streams,
    List<Gap> gapsCrossed,
    String anchorCheck) {
  public RestorePlan {
    streams = List.copyOf(streams);
    gapsCrossed = List.copyOf(gapsCrossed);
  }

  /** This plan, saying what the check against the manifests topic found (or why it was skipped). */
  public RestorePlan withAnchorCheck(String check) {
    return new RestorePlan(database, target, window, streams, gapsCrossed, check);
  }

  /**
   * One stream's part of the plan.
   *
   * @param stream the stream
   * @param manifests its manifests to read, from seq 0
   * @param firstLsnBeyond the first lsn of the stream's first segment left out of the plan (beyond
   *     the target); null when the plan reaches the stream's head, where later records may still be
   *     archived
   */
  public record StreamPlan(StreamId stream, List<StoredManifest> manifests, Long firstLsnBeyond) {
    public StreamPlan {
      manifests = List.copyOf(manifests);
    }

    /** The segment manifests among {@link #manifests} (the ones with records to fetch). */
    public List<Manifest.Segment> segments() {
      return manifests.stream()
          .map(StoredManifest::manifest)
          .filter(Manifest.Segment.class::isInstance)
          .map(Manifest.Segment.class::cast)
          .toList();
    }
  }

  /** Segments to fetch in all. */
  public long segments() {
    return streams.stream().mapToLong(s -> s.segments().size()).sum();
  }

  /** Bytes to fetch in all. */
  public long bytes() {
    return streams.stream()
        .flatMap(s -> s.segments().stream())
        .mapToLong(m -> m.segment().byteSize())
        .sum();
  }
}
