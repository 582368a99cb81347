package io.walstream.restorer.plan;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.StoredSnapshot;
import java.util.ArrayList;
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
    String anchorCheck,
    StoredSnapshot snapshot) {
  public RestorePlan {
    streams = List.copyOf(streams);
    gapsCrossed = List.copyOf(gapsCrossed);
  }

  /** A plan replaying every stream from seq 0, with no snapshot. */
  public RestorePlan(
      String database,
      RestoreTarget target,
      RestoreWindow window,
      List<StreamPlan> streams,
      List<Gap> gapsCrossed,
      String anchorCheck) {
    this(database, target, window, streams, gapsCrossed, anchorCheck, null);
  }

  /** This plan, saying what the check against the manifests topic found (or why it was skipped). */
  public RestorePlan withAnchorCheck(String check) {
    return new RestorePlan(database, target, window, streams, gapsCrossed, check, snapshot);
  }

  /**
   * This plan starting from {@code base}: its rows first, then per stream only the manifests after
   * the last one the snapshot covers wholly (records up to the snapshot's lsn are skipped).
   *
   * @throws IntegrityException when a stream the snapshot covers does not hold, at the seq it
   *     names, the manifest it names: the archive is not the one the snapshot was built from
   */
  public RestorePlan from(StoredSnapshot base) {
    RestorePlan after =
        after(base.snapshot().streams(), base.snapshot().database(), "snapshot " + base.key());
    return new RestorePlan(database, target, window, after.streams, gapsCrossed, anchorCheck, base);
  }

  /**
   * This plan without, per stream, the manifests up to {@code positions} (each checked to be the
   * manifest the archive holds there): what a follower reads after the position it reached, or a
   * restore after its snapshot. {@code what} names where the positions come from, for messages.
   *
   * @throws IntegrityException when a position names a manifest the archive does not hold, or a
   *     stream the archive does not have
   */
  public RestorePlan after(List<Snapshot.StreamPosition> positions, String of, String what) {
    List<StreamPlan> trimmed = new ArrayList<>();
    for (StreamPlan plan : streams) {
      Snapshot.StreamPosition position = null;
      for (Snapshot.StreamPosition p : positions) {
        if (p.stream(of).equals(plan.stream())) {
          position = p;
        }
      }
      trimmed.add(position == null ? plan : plan.after(position, what));
    }
    for (Snapshot.StreamPosition position : positions) {
      StreamId stream = position.stream(of);
      if (streams.stream().noneMatch(p -> p.stream().equals(stream))) {
        throw new IntegrityException(
            ArchiveLayout.streamPrefix(stream),
            "Cannot go on from "
                + what
                + ": it covers stream "
                + stream
                + ", which the archive does not hold");
      }
    }
    return new RestorePlan(database, target, window, trimmed, gapsCrossed, anchorCheck, snapshot);
  }

  /**
   * Per stream of this plan, the last segment manifest whose records all lie at or before {@code
   * lsn}, starting from {@code from} (the positions the plan was trimmed after; empty for none):
   * the position a snapshot or a follower at {@code lsn} covers wholly.
   */
  public List<Snapshot.StreamPosition> wholePositions(
      long lsn, List<Snapshot.StreamPosition> from) {
    List<Snapshot.StreamPosition> positions = new ArrayList<>();
    for (StreamPlan stream : streams) {
      Snapshot.StreamPosition position = null;
      for (Snapshot.StreamPosition p : from) {
        if (p.stream(database).equals(stream.stream())) {
          position = p;
        }
      }
      for (StoredManifest stored : stream.manifests()) {
        if (stored.manifest() instanceof Manifest.Segment s && s.last().lsn() <= lsn) {
          position =
              new Snapshot.StreamPosition(
                  s.stream().topic(), s.stream().partition(), s.seq(), stored.sha256(), s.last());
        }
      }
      if (position != null) {
        positions.add(position);
      }
    }
    return positions;
  }

  /**
   * What identifies this restore for resuming it: the target, and the snapshot it starts from. A
   * restore interrupted while starting from one snapshot is not resumed from another.
   */
  public String resumeKey() {
    return snapshot == null
        ? target.describe()
        : target.describe() + " from snapshot " + snapshot.sha256();
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

    /** This stream's plan without the manifests up to {@code position}, checked to be there. */
    StreamPlan after(Snapshot.StreamPosition position, String what) {
      List<StoredManifest> rest = new ArrayList<>();
      boolean found = false;
      for (StoredManifest m : manifests) {
        if (m.manifest().seq() == position.seq()) {
          if (!m.sha256().equals(position.manifestSha256())) {
            throw new IntegrityException(
                m.key(),
                "Cannot go on from "
                    + what
                    + ": it covers "
                    + m.key()
                    + " with sha256 "
                    + position.manifestSha256()
                    + ", the archive holds "
                    + m.sha256()
                    + "; the archive is not the one it was built from");
          }
          found = true;
        } else if (m.manifest().seq() > position.seq()) {
          rest.add(m);
        }
      }
      if (!found) {
        throw new IntegrityException(
            ArchiveLayout.manifestKey(stream, position.seq()),
            "Cannot go on from "
                + what
                + ": it covers manifest "
                + position.seq()
                + " of "
                + stream
                + ", which the archive does not hold");
      }
      return new StreamPlan(stream, rest, firstLsnBeyond);
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
