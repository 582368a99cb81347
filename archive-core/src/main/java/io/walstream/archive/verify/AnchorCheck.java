package io.walstream.archive.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the archive against {@link Anchor}s: every manifest published must still be in the
 * archive, byte for byte. A chain verifies on its own even when its newest manifests and segments
 * are deleted (or the whole archive is restored from an older copy); this is what catches that. An
 * archive ahead of its anchors is normal (a manifest is claimed before the Kafka transaction that
 * publishes it commits).
 */
public final class AnchorCheck {
  private final ArchiveReader reader;

  public AnchorCheck(ArchiveReader reader) {
    this.reader = reader;
  }

  /**
   * Verification reports with the findings of the anchor check.
   *
   * @param reports one per stream: those given, each with its anchor's findings, then one for every
   *     stream published but absent from the reports (the archive holds nothing of it)
   * @param streams how many anchors were checked
   */
  public record Anchored(List<StreamReport> reports, int streams) {
    public Anchored {
      reports = List.copyOf(reports);
    }
  }

  /**
   * Adds to {@code reports} the check of every anchor (of {@code database}, or of every database
   * when it is null).
   */
  public Anchored verify(List<StreamReport> reports, Collection<Anchor> anchors, String database) {
    Map<StreamId, StreamReport> byStream = new LinkedHashMap<>();
    reports.forEach(r -> byStream.put(r.stream(), r));
    int checked = 0;
    for (Anchor anchor : anchors) {
      if (database != null && !database.equals(anchor.stream().database())) {
        continue;
      }
      StreamReport report =
          byStream.getOrDefault(anchor.stream(), StreamReport.empty(anchor.stream()));
      byStream.put(anchor.stream(), report.withFindings(check(anchor)));
      checked++;
    }
    return new Anchored(List.copyOf(byStream.values()), checked);
  }

  /** What is wrong with {@code anchor}'s manifest in the archive; empty when it is there intact. */
  public List<Finding> check(Anchor anchor) {
    String key = ArchiveLayout.manifestKey(anchor.stream(), anchor.seq());
    long floor =
        reader
            .retention(anchor.stream().database())
            .map(r -> r.firstSeq(anchor.stream()))
            .orElse(0L);
    if (anchor.seq() < floor) {
      // Expired by retention: a stream's newest manifests are never expired, so this anchor is
      // older than the archive's head, and the check of the head is the one that matters.
      return List.of();
    }
    Optional<StoredManifest> stored;
    try {
      stored = reader.readManifest(anchor.stream(), anchor.seq());
    } catch (IntegrityException e) {
      return List.of(
          Finding.of(
              Finding.Kind.ANCHOR_MISMATCH,
              key,
              "the manifest published as seq "
                  + anchor.seq()
                  + " of "
                  + anchor.stream()
                  + " cannot be read from the archive: "
                  + e.getMessage()));
    }
    if (stored.isEmpty()) {
      return List.of(
          Finding.of(
              Finding.Kind.ROLLED_BACK,
              key,
              String.format(
                  "the manifests topic published seq %d of %s (manifest sha256 %s) but the archive"
                      + " does not hold it: its newest manifests were removed or it was rolled back",
                  anchor.seq(), anchor.stream(), anchor.manifestSha256())));
    }
    if (!stored.get().sha256().equals(anchor.manifestSha256())) {
      return List.of(
          Finding.of(
              Finding.Kind.ANCHOR_MISMATCH,
              key,
              String.format(
                  "differs from the manifest published as seq %d of %s (archive sha256 %s,"
                      + " published %s)",
                  anchor.seq(), anchor.stream(), stored.get().sha256(), anchor.manifestSha256())));
    }
    return List.of();
  }
}
