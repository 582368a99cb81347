package io.walstream.restorer.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.verify.Anchor;
import io.walstream.archive.verify.AnchorCheck;
import io.walstream.archive.verify.Finding;
import java.util.Collection;
import java.util.List;

/**
 * Whether a restore checks the archive against the manifests the archiver published (its anchors)
 * before it applies anything. The archive alone cannot show that its newest manifests were removed
 * or that it was put back from an older copy: what remains is a valid, shorter chain, which would
 * restore quietly to an older state.
 */
public sealed interface Anchoring {
  /**
   * Checks {@code database} in the archive read by {@code reader}.
   *
   * @return what the result should say about the check
   * @throws IntegrityException naming the key of the first manifest that was published but is
   *     missing from the archive ({@code ROLLED_BACK}) or differs from it ({@code ANCHOR_MISMATCH})
   */
  String check(ArchiveReader reader, String database);

  /** No check, for the reason given (it is repeated in the result). */
  record Skipped(String reason) implements Anchoring {
    @Override
    public String check(ArchiveReader reader, String database) {
      return "not checked against the manifests topic: " + reason;
    }
  }

  /** Checks every stream of the database published on {@code topic}. */
  record Published(Collection<Anchor> anchors, String topic) implements Anchoring {
    public Published {
      anchors = List.copyOf(anchors);
    }

    @Override
    public String check(ArchiveReader reader, String database) {
      AnchorCheck check = new AnchorCheck(reader);
      int checked = 0;
      for (Anchor anchor : anchors) {
        if (!anchor.stream().database().equals(database)) {
          continue;
        }
        checked++;
        for (Finding finding : check.check(anchor)) {
          if (finding.isError()) {
            throw finding.toException("Cannot restore " + database);
          }
        }
      }
      return "checked against the newest manifests of "
          + checked
          + (checked == 1 ? " stream" : " streams")
          + " on topic "
          + topic;
    }
  }
}
