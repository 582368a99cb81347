package io.walstream.archive.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.UnknownFormatException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.Retention;
import io.walstream.archive.format.RetentionCodec;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.Snapshots;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.read.StoredSnapshot;
import io.walstream.archive.verify.Finding.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The retention rules of docs/FORMAT.md section 10 for one database: every retention record decodes
 * at its own key; the current one (the highest) names a snapshot that is stored with the recorded
 * hash and times, and its floor per stream is exactly that snapshot's covered position (seq,
 * manifest hash, last record) for every stream the snapshot covers; the floor manifest's own last
 * source offset is the one recorded. Needs no keys.
 */
public final class RetentionCheck {
  /**
   * What the check found.
   *
   * @param current the retention record chains are walked from: the highest that decodes, or null
   * @param findings what is wrong
   */
  public record Result(Retention current, List<Finding> findings) {
    public Result {
      findings = List.copyOf(findings);
    }
  }

  private final ArchiveReader reader;

  public RetentionCheck(ArchiveReader reader) {
    this.reader = reader;
  }

  /** Checks the retention records of {@code database}. */
  public Result check(String database) {
    List<Finding> findings = new ArrayList<>();
    Retention current = null;
    for (String key : keys(database)) {
      Optional<byte[]> bytes = reader.store().readAll(key);
      if (bytes.isEmpty()) {
        continue;
      }
      try {
        current = RetentionCodec.decode(bytes.get(), key);
      } catch (UnknownFormatException e) {
        findings.add(Finding.of(Kind.UNKNOWN_FORMAT, key, e.getMessage()));
      } catch (IntegrityException e) {
        findings.add(Finding.of(Kind.MALFORMED_RETENTION, key, e.getMessage()));
      }
    }
    if (current != null) {
      againstSnapshot(current, findings);
    }
    return new Result(current, findings);
  }

  private List<String> keys(String database) {
    List<String> keys = new ArrayList<>();
    reader.forEachKey(
        ArchiveLayout.retentionPrefix(database),
        object -> {
          if (ArchiveLayout.parse(object.key()).orElse(null) instanceof ArchiveKey.Retention r
              && r.database().equals(database)) {
            keys.add(object.key());
          }
        });
    return keys;
  }

  private void againstSnapshot(Retention retention, List<Finding> findings) {
    String key = retention.key();
    Retention.SnapshotRef ref = retention.snapshot();
    StoredSnapshot stored;
    try {
      stored = new Snapshots(reader).read(ref.key()).orElse(null);
    } catch (IntegrityException e) {
      // The snapshot check reports what is wrong with the snapshot itself.
      return;
    }
    if (stored == null
        || !stored.sha256().equals(ref.sha256())
        || stored.snapshot().commitTime() != ref.commitTime()
        || stored.snapshot().maxCommitTime() != ref.maxCommitTime()) {
      findings.add(
          Finding.of(
              Kind.RETENTION_MISMATCH,
              key,
              "its floor snapshot "
                  + ref.key()
                  + " (sha256 "
                  + ref.sha256()
                  + ") is "
                  + (stored == null ? "not stored" : "another (sha256 " + stored.sha256() + ")")));
      return;
    }
    Snapshot snapshot = stored.snapshot();
    if (snapshot.streams().size() != retention.streams().size()) {
      findings.add(
          Finding.of(
              Kind.RETENTION_MISMATCH,
              key,
              "it has floors for "
                  + retention.streams().size()
                  + " streams, its snapshot covers "
                  + snapshot.streams().size()));
    }
    for (Snapshot.StreamPosition position : snapshot.streams()) {
      floor(retention, position, findings);
    }
  }

  private void floor(Retention retention, Snapshot.StreamPosition position, List<Finding> found) {
    var stream = position.stream(retention.database());
    Retention.StreamFloor floor = retention.floorOf(stream);
    if (floor == null
        || floor.seq() != position.seq()
        || !floor.manifestSha256().equals(position.manifestSha256())
        || !floor.last().equals(position.last())) {
      found.add(
          Finding.of(
              Kind.RETENTION_MISMATCH,
              retention.key(),
              "the floor of "
                  + stream
                  + " is "
                  + (floor == null
                      ? "missing"
                      : "seq " + floor.seq() + " ending at " + floor.last())
                  + ", its snapshot covers seq "
                  + position.seq()
                  + " ending at "
                  + position.last()));
      return;
    }
    Optional<StoredManifest> manifest;
    try {
      manifest = reader.readManifest(stream, floor.seq());
    } catch (IntegrityException e) {
      // The chain walk reports a floor manifest that does not decode.
      return;
    }
    if (manifest.isPresent()
        && manifest.get().manifest() instanceof Manifest.Segment segment
        && segment.offsets().last() != floor.lastSourceOffset()) {
      found.add(
          Finding.of(
              Kind.RETENTION_MISMATCH,
              retention.key(),
              "the floor of "
                  + stream
                  + " records last source offset "
                  + floor.lastSourceOffset()
                  + ", its manifest "
                  + manifest.get().key()
                  + " ends at "
                  + segment.offsets().last()));
    }
  }
}
